/**
 * Scenario tests of the six Veiligheid Voorop! processes through the HTTP API: one real
 * server (integration kit) with the real `processes/` directory deployed at start, the
 * demo users of each organisation doing their own tasks, and time moved by the
 * ManualClock. The scheduler's own loop is stopped; `settle()` fires what is due and
 * delivers the hand-overs, as each tick of the loop does, so nothing races the test.
 * Undelivered hand-overs are read as the administrators read them (GET /api/messages).
 *
 * `checkBoundaries` is the organisation check run in every scenario: for every case
 * worker, the task list, every task and every case of the scenario, and the variables
 * they get, against the rules of docs/modelling.md.
 */
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_USERS } from '../../src/access/demo-users.js';
import { startTestServer, type ApiAnswer, type TestServer } from '../integration/support/integration-kit.js';

export const PROCESSES_DIR = path.resolve(import.meta.dirname, '../../processes');

export const CASE_WORKERS = DEMO_USERS.filter((user) => user.roles.includes('case-worker'));
export type CaseWorker = (typeof CASE_WORKERS)[number]['id'];
export type Organisation = 'veilig-thuis' | 'politie' | 'om' | 'rvdk' | 'reclassering' | 'gemeente';

export function userOf(id: string) {
  const user = DEMO_USERS.find((candidate) => candidate.id === id);
  if (!user) throw new Error(`no demo user ${id}`);
  return user;
}

/**
 * Who may read which variable, per process (docs/modelling.md, "Zichtbaarheid /
 * visibility"; variables without a rule are read by every organisation taking part).
 */
export const VISIBILITY: Record<string, Record<string, Organisation[]>> = {
  'zorgmelding-politie': {
    eerdereIncidenten: ['politie'],
    aanwezigen: ['politie'],
    contactpersoonPolitie: ['politie'],
  },
  'melding-veilig-thuis': {
    melderNaam: ['veilig-thuis'],
    melderTelefoon: ['veilig-thuis'],
    onderbouwingTriage: ['veilig-thuis'],
    onderzoeksbevindingen: ['veilig-thuis'],
    eerdereIncidenten: ['veilig-thuis', 'politie'],
  },
  'zorg-straf-afweging': {
    opsporingsinformatie: ['politie', 'om'],
    antecedentenVerdachte: ['politie', 'om'],
    veiligheidssituatie: ['veilig-thuis', 'om'],
    hulpverlening: ['veilig-thuis', 'om'],
    zorgenKinderen: ['veilig-thuis', 'om'],
    adviesTekst: ['om'],
    risicoInschatting: ['om'],
    overtredingOmschrijving: ['om'],
    toelichtingOvertreding: ['om'],
    eindverslagToezicht: ['om'],
  },
  'tijdelijk-huisverbod': {
    rihgToelichting: ['politie', 'gemeente'],
    hulpplan: ['veilig-thuis'],
    toelichtingMonitoring: ['veilig-thuis'],
    veiligheidNu: ['veilig-thuis'],
    onderbouwingAdvies: ['veilig-thuis', 'gemeente'],
  },
  'verzoek-onderzoek-rvdk': {
    bevindingenRaad: ['rvdk'],
    zorgenOverKinderen: ['rvdk'],
    kinderen: ['rvdk'],
  },
  reclasseringsadvies: {
    risicoInschatting: ['reclassering'],
    verslagContact: ['reclassering'],
  },
};

/**
 * Marked texts put into the forms of the scenarios, and the organisations that must never
 * get them in any answer (case, task, history), whichever process the text travelled to.
 */
export const MARKERS = {
  opsporing: 'OPSPORING-7Q: verklaringen van buren en letselverklaring van de huisarts',
  antecedent: 'ANTECEDENT-7Q: mishandeling 2021, voorwaardelijk sepot',
  triage: 'TRIAGE-7Q: geen eerdere meldingen bij Veilig Thuis, moeder zoekt steun, vader ontkent',
  melder: 'MELDER-7Q Huisarts De Vries',
  melderTelefoon: '030-7777777',
  veiligheid: 'ZORG-7Q: moeder en kinderen verblijven bij familie, veiligheidsplan loopt',
  hulpverlening: 'ZORG-7Q-HULP: wijkteam en Veilig Thuis betrokken',
  zorgenKinderen: 'ZORG-7Q-KIND: kinderen slapen slecht sinds het incident',
  rihg: 'RIHG-7Q: hoog risico, eerdere mishandeling, dreiging met mes, kinderen aanwezig',
  hulpplan: 'HULPPLAN-7Q: hulp voor moeder, kinderen en vader gestart; agressietraining aangeboden',
  verlengAdvies: 'VERLENGADVIES-7Q: dreiging is niet weg, hulp aan vader is net gestart',
  reclAdvies: 'RECLADVIES-7Q: verdachte is gemotiveerd voor behandeling; toezicht met bijzondere voorwaarden verkleint het risico',
  raad: 'RAAD-7Q: gesprekken met ouders, kinderen, school en wijkteam; ontwikkeling kinderen bedreigd door aanhoudend geweld',
  vtOnderzoek: 'VTONDERZOEK-7Q: gesprekken met ouders, kinderen en school; zorgen over opvoeding, geen acute onveiligheid',
  toezicht: 'TOEZICHT-7Q: voorwaarden nageleefd, gesprek verliep goed',
  eerder: 'EERDER-7Q: twee meldingen van burengerucht in 2025',
  monitoring: 'MONITOR-7Q: geen nieuwe incidenten',
} as const;
export type Marker = keyof typeof MARKERS;

/** Organisations allowed to read each marked text (all others must never see it). */
export const MARKER_READERS: Record<Marker, Organisation[]> = {
  opsporing: ['politie', 'om'],
  antecedent: ['politie', 'om'],
  triage: ['veilig-thuis'],
  melder: ['veilig-thuis'],
  melderTelefoon: ['veilig-thuis'],
  veiligheid: ['veilig-thuis', 'om'],
  hulpverlening: ['veilig-thuis', 'om'],
  zorgenKinderen: ['veilig-thuis', 'om'],
  rihg: ['politie', 'gemeente'],
  hulpplan: ['veilig-thuis'],
  verlengAdvies: ['veilig-thuis', 'gemeente'],
  reclAdvies: ['om', 'reclassering'],
  raad: ['rvdk'],
  vtOnderzoek: ['veilig-thuis'],
  // The end of supervision is reported to the OM (EindeToezicht), to nobody else.
  toezicht: ['reclassering', 'om'],
  // Police data Veilig Thuis receives in the zorgmelding; nobody else.
  eerder: ['politie', 'veilig-thuis'],
  monitoring: ['veilig-thuis'],
};

export function forbiddenMarkers(organisation: string): Marker[] {
  return (Object.keys(MARKER_READERS) as Marker[]).filter((marker) => !MARKER_READERS[marker].includes(organisation as Organisation));
}

export interface PendingMessage {
  messageName: string;
  correlationKey: string | null;
  attempts: number;
  lastError: string | null;
}

export interface Scenario {
  t: TestServer;
  call: TestServer['call'];
  /** Fires the timers due now and delivers hand-overs until none is left due; returns the timers fired. */
  settle(): Promise<number>;
  /** Moves the clock to `at`, then settles. */
  advanceTo(at: string): Promise<number>;
  /** Hand-overs not delivered yet (no receiver), oldest first: each scenario ends with none. */
  pendingMessages(): Promise<PendingMessage[]>;
  /** Starts a case as `user` (201 expected); returns its id. */
  start(user: CaseWorker, definitionKey: string, variables?: Record<string, unknown>): Promise<string>;
  /** The user's own open tasks (their inbox), optionally of one case. */
  inbox(user: CaseWorker, query?: Record<string, string>): Promise<any[]>;
  /** The one open task at `elementId` in the user's inbox (fails when it is not there). */
  taskFor(user: CaseWorker, elementId: string, instanceId?: string): Promise<any>;
  /** Completes the user's open task at `elementId` through POST /api/tasks/:id/complete (200 expected). */
  complete(user: CaseWorker, elementId: string, variables: Record<string, unknown>, instanceId?: string): Promise<any>;
  /** The administrator's view of a case (ground truth: all variables, tasks, timers). */
  adminCase(id: string): Promise<any>;
  /** Element ids of a case's open tasks, sorted (administrator's view). */
  openElements(id: string): Promise<string[]>;
  /** The timers of a case (administrator's view). */
  timers(id: string): Promise<{ elementId: string; dueAt: string }[]>;
  close(): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  // The real processes directory; NORMAL sync since durability is not what these tests are about.
  const t = await startTestServer({ files: {}, env: { SAMENSPEL_PROCESSES_DIR: PROCESSES_DIR, SAMENSPEL_SQLITE_SYNC: 'normal' } });
  // The loop started with the server; from here on the test says when the scheduler runs.
  await t.server.scheduler.stop();

  async function pending(): Promise<any[]> {
    const answer = await t.call('GET', '/api/messages?state=pending&limit=500', { as: 'admin' });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body.items.reverse();
  }

  async function settle(): Promise<number> {
    let fired = 0;
    for (let round = 0; round < 20; round++) {
      fired += await t.server.scheduler.runDue();
      const now = t.clock.now().getTime();
      if (!(await pending()).some((message) => Date.parse(message.nextAttemptAt) <= now)) return fired;
    }
    throw new Error('hand-overs keep coming: the outbox did not settle');
  }

  async function inbox(user: CaseWorker, query: Record<string, string> = {}): Promise<any[]> {
    const search = new URLSearchParams({ limit: '500', ...query });
    const answer = await t.call('GET', `/api/tasks?${search}`, { as: user });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body.items;
  }

  async function taskFor(user: CaseWorker, elementId: string, instanceId?: string): Promise<any> {
    const tasks = (await inbox(user, instanceId === undefined ? {} : { instanceId })).filter((task) => task.elementId === elementId);
    expect(tasks.map((task) => `${task.elementId} ${task.instanceId}`), `open ${elementId} in the inbox of ${user}`).to.have.length(1);
    return tasks[0];
  }

  async function adminCase(id: string): Promise<any> {
    const answer = await t.call('GET', `/api/instances/${id}`, { as: 'admin' });
    expect(answer.status, answer.text).to.equal(200);
    return answer.body;
  }

  return {
    t,
    call: t.call,
    settle,
    async advanceTo(at: string) {
      t.clock.set(at);
      return settle();
    },
    async pendingMessages() {
      return (await pending()).map(({ messageName, correlationKey, attempts, lastError }) => ({ messageName, correlationKey, attempts, lastError }));
    },
    async start(user, definitionKey, variables) {
      const answer = await t.call('POST', '/api/instances', { as: user, json: { definitionKey, ...(variables ? { variables } : {}) } });
      expect(answer.status, answer.text).to.equal(201);
      await settle();
      return answer.body.id;
    },
    inbox,
    taskFor,
    async complete(user, elementId, variables, instanceId) {
      const task = await taskFor(user, elementId, instanceId);
      const answer = await t.call('POST', `/api/tasks/${task.id}/complete`, { as: user, json: { variables } });
      expect(answer.status, `${user} completes ${elementId}: ${answer.text}`).to.equal(200);
      await settle();
      return answer.body;
    },
    adminCase,
    async openElements(id: string) {
      const detail = await adminCase(id);
      return detail.tasks.filter((task: any) => task.state === 'open').map((task: any) => task.elementId).sort();
    },
    async timers(id: string) {
      return (await adminCase(id)).timers;
    },
    async close() {
      await t.close();
    },
  };
}

/** The 422 of a form submission: the paths named in its details. */
export function failedFields(answer: ApiAnswer): string[] {
  expect(answer.status, answer.text).to.equal(422);
  return [...new Set<string>((answer.body.error.details ?? []).map((detail: { path?: string }) => detail.path))].sort();
}

interface CaseTruth {
  id: string;
  definitionKey: string;
  variables: Record<string, unknown>;
  tasks: { id: string; elementId: string; candidateGroups: string[]; assignee: string | null; state: string }[];
}

/** The variables an organisation may read of a case, by the rules of its process. */
export function expectedVariableKeys(definitionKey: string, variables: Record<string, unknown>, organisation: string): string[] {
  const rules = VISIBILITY[definitionKey] ?? {};
  return Object.keys(variables)
    .filter((key) => rules[key] === undefined || rules[key].includes(organisation as Organisation))
    .sort();
}

/**
 * The organisation boundaries of a scenario, for every case worker and every case:
 * - GET /api/tasks (open, completed, cancelled) lists exactly the tasks of the user's groups
 *   among these cases, and no task of another group anywhere;
 * - GET /api/tasks/:id answers 200 for a task of their groups and 404 for any other;
 * - GET /api/instances/:id, its history and comments answer 200 when they have (had) a
 *   task in the case and 404 otherwise; the list of all cases is not theirs (403);
 * - the case's variables are exactly those their organisation may read (VISIBILITY), the
 *   task's variables none they may not; history carries no case data;
 * - no answer holds a marked text their organisation must not read (MARKERS).
 * Returns how many cases each user could open, for the scenario to assert on.
 */
export async function checkBoundaries(s: Scenario, caseIds: readonly string[]): Promise<Record<string, string[]>> {
  const truths: CaseTruth[] = [];
  for (const id of caseIds) truths.push(await s.adminCase(id));
  const opened: Record<string, string[]> = {};

  for (const user of CASE_WORKERS) {
    const organisation = user.organisation!;
    const mine = (task: CaseTruth['tasks'][number]) => task.candidateGroups.some((group) => user.groups.includes(group)) || task.assignee === user.id;
    const seen: string[] = [];
    const context = (what: string) => `${user.id} (${organisation}): ${what}`;

    for (const state of ['open', 'completed', 'cancelled'] as const) {
      const listed = await s.inbox(user.id as CaseWorker, { state });
      seen.push(JSON.stringify(listed));
      for (const task of listed) {
        expect(mine(task), context(`lists ${task.elementId} of ${task.candidateGroups.join(',')}`)).to.equal(true);
      }
      const expected = truths.flatMap((truth) => truth.tasks.filter((task) => task.state === state && mine(task)).map((task) => task.id)).sort();
      const got = listed.filter((task) => caseIds.includes(task.instanceId)).map((task) => task.id).sort();
      expect(got, context(`${state} tasks`)).to.deep.equal(expected);
    }

    // The list of all cases is the administrators' view.
    expect((await s.call('GET', '/api/instances', { as: user.id })).status, context('list of cases')).to.equal(403);

    opened[user.id] = [];
    for (const truth of truths) {
      const takesPart = truth.tasks.some(mine);
      const detail = await s.call('GET', `/api/instances/${truth.id}`, { as: user.id });
      const history = await s.call('GET', `/api/instances/${truth.id}/history`, { as: user.id });
      const comments = await s.call('GET', `/api/instances/${truth.id}/comments`, { as: user.id });
      if (!takesPart) {
        expect(detail.status, context(`case ${truth.definitionKey} without a task of theirs`)).to.equal(404);
        expect(detail.body.error.code).to.equal('instance_not_found');
        expect(history.status, context(`history of ${truth.definitionKey}`)).to.equal(404);
        expect(comments.status, context(`comments of ${truth.definitionKey}`)).to.equal(404);
      } else {
        expect(comments.status, context(`comments of ${truth.definitionKey}`)).to.equal(200);
        opened[user.id].push(truth.definitionKey);
        expect(detail.status, context(`case ${truth.definitionKey}`)).to.equal(200);
        seen.push(detail.text);
        expect(Object.keys(detail.body.variables).sort(), context(`variables of ${truth.definitionKey}`)).to.deep.equal(
          expectedVariableKeys(truth.definitionKey, truth.variables, organisation),
        );
        for (const [key, value] of Object.entries(detail.body.variables)) expect(value, context(key)).to.deep.equal(truth.variables[key]);
        expect(detail.body.tasks.map((task: any) => task.id).sort(), context(`tasks shown in ${truth.definitionKey}`)).to.deep.equal(
          truth.tasks.filter(mine).map((task) => task.id).sort(),
        );
        expect(history.status, context(`history of ${truth.definitionKey}`)).to.equal(200);
        expect(history.body.items.length).to.be.greaterThan(0);
        for (const item of history.body.items) expect(item, context('history item')).to.not.have.property('data');
        seen.push(history.text);
      }

      for (const task of truth.tasks) {
        const answer = await s.call('GET', `/api/tasks/${task.id}`, { as: user.id });
        if (!mine(task)) {
          expect(answer.status, context(`task ${task.elementId} of ${task.candidateGroups.join(',')}`)).to.equal(404);
          expect(answer.body.error.code).to.equal('task_not_found');
          continue;
        }
        expect(answer.status, context(`own task ${task.elementId}`)).to.equal(200);
        seen.push(answer.text);
        const rules = VISIBILITY[truth.definitionKey] ?? {};
        const hidden = Object.keys(answer.body.variables).filter((key) => rules[key] !== undefined && !rules[key].includes(organisation as Organisation));
        expect(hidden, context(`variables of task ${task.elementId}`)).to.deep.equal([]);
      }
    }

    const everything = seen.join('\n');
    for (const marker of forbiddenMarkers(organisation)) {
      expect(everything.includes(MARKERS[marker]), context(`must never read the ${marker} text`)).to.equal(false);
    }
  }
  return opened;
}
