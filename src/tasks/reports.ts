/**
 * Administrators' overviews for the admin page:
 *
 * - **Deadline report** (`deadlines`): open user tasks past their due date, per process,
 *   step and organisation. Computed from `InstanceStore.listTasks` with `dueBefore = now`
 *   (the same query the inbox's "overdue" filter uses, indexed on state and due date in
 *   both stores), so no new port method; the organisation of a step is the organisation
 *   of the users holding its candidate groups.
 * - **Hand-over overview** (`handovers`): every message one case sent to another
 *   organisation (`OutboxStore.list`), with its delivery (pending/delivered, attempts,
 *   last error, receiving cases) and whether its feedback came back.
 *
 * Pairing a request with its feedback (docs/modelling.md, "Berichten / messages"): a
 * request message has a reply message in the catalogue below (`REPLIES`), sent back with
 * the same correlation key (`Zorgmelding` -> `Terugkoppeling` by registratienummer,
 * `VerzoekHuisverbod` -> `BesluitHuisverbod` by vtDossiernummer, ...). A request is
 * `closed` once a reply with the same name-pair and correlation key exists in the outbox,
 * `awaiting` before that, and `overdue` when the agreed term (working days after the
 * request, `FEEDBACK_TERMS`) has passed without one; messages that are themselves
 * replies or expect none are `none`. Overdue first, then awaiting, then the rest, newest
 * first within each.
 */
import type { AuditService } from '../access/audit-service.js';
import type { Guard } from '../access/guarded.js';
import type { Principal } from '../access/principal.js';
import { dutchWorkingDays } from '../engine/working-days.js';
import type { OutboxRecord, Store, TaskRecord } from '../store/port.js';

/** Request message -> the feedback message that closes it (docs/modelling.md). */
export const REPLIES: Readonly<Record<string, string>> = Object.freeze({
  Zorgmelding: 'Terugkoppeling',
  VerzoekHuisverbod: 'BesluitHuisverbod',
  ZorgStrafAfwegingGestart: 'UitkomstZorgStrafAfweging',
  VerzoekOnderzoekRvdK: 'RapportageRvdK',
  VerzoekReclasseringsadvies: 'Reclasseringsadvies',
});

/** Agreed feedback terms in working days after the request (assumptions, DOMAIN.md). */
export const FEEDBACK_TERMS: Readonly<Record<string, number>> = Object.freeze({
  Zorgmelding: 10,
});

/** The organisation that runs each shipped process (its first lane's owner). */
export const PROCESS_ORGANISATIONS: Readonly<Record<string, string>> = Object.freeze({
  'zorgmelding-politie': 'politie',
  'melding-veilig-thuis': 'veilig-thuis',
  'zorg-straf-afweging': 'om',
  'tijdelijk-huisverbod': 'gemeente',
  'verzoek-onderzoek-rvdk': 'rvdk',
  reclasseringsadvies: 'reclassering',
});

export type FeedbackState = 'closed' | 'awaiting' | 'overdue' | 'none';

export interface HandoverItem {
  id: string;
  messageName: string;
  correlationKey: string | null;
  fromInstanceId: string;
  fromProcess: string | null;
  fromOrganisation: string | null;
  toInstanceIds: string[];
  toProcesses: string[];
  toOrganisations: string[];
  sentAt: string;
  state: string;
  deliveredAt: string | null;
  attempts: number;
  lastError: string | null;
  feedback: FeedbackState;
  feedbackMessage: string | null;
  feedbackDueAt: string | null;
  feedbackAt: string | null;
}

export interface DeadlineRow {
  definitionKey: string;
  elementId: string;
  name: string;
  organisations: string[];
  overdue: number;
  oldestDueAt: string;
}

export interface ReportServiceOptions {
  store: Store;
  guard: Guard;
  audit: AuditService;
  now: () => Date;
}

const PAGE = 500;
const MAX_ROWS = 20_000;

/** Pairs requests with their feedback; see the module comment. */
export function pairHandovers(records: OutboxRecord[], now: Date): Map<string, Pick<HandoverItem, 'feedback' | 'feedbackMessage' | 'feedbackDueAt' | 'feedbackAt'>> {
  const replies = new Map<string, OutboxRecord>();
  for (const record of records) {
    const key = `${record.messageName}\u0000${record.correlationKey ?? ''}`;
    const seen = replies.get(key);
    if (!seen || seen.createdAt > record.createdAt) replies.set(key, record);
  }
  const out = new Map<string, Pick<HandoverItem, 'feedback' | 'feedbackMessage' | 'feedbackDueAt' | 'feedbackAt'>>();
  for (const record of records) {
    const replyName = REPLIES[record.messageName];
    if (!replyName || record.correlationKey === null) {
      out.set(record.id, { feedback: 'none', feedbackMessage: replyName ?? null, feedbackDueAt: null, feedbackAt: null });
      continue;
    }
    const term = FEEDBACK_TERMS[record.messageName];
    const dueAt = term === undefined ? null : dutchWorkingDays.addWorkingDays(record.createdAt, term);
    const reply = replies.get(`${replyName}\u0000${record.correlationKey}`);
    if (reply && reply.createdAt >= record.createdAt) {
      out.set(record.id, { feedback: 'closed', feedbackMessage: replyName, feedbackDueAt: dueAt, feedbackAt: reply.createdAt });
    } else {
      out.set(record.id, { feedback: dueAt !== null && Date.parse(dueAt) <= now.getTime() ? 'overdue' : 'awaiting', feedbackMessage: replyName, feedbackDueAt: dueAt, feedbackAt: null });
    }
  }
  return out;
}

const ORDER: Record<FeedbackState, number> = { overdue: 0, awaiting: 1, closed: 2, none: 3 };

export function createReportService(options: ReportServiceOptions) {
  const { store, guard } = options;

  async function allOutbox(): Promise<OutboxRecord[]> {
    const all: OutboxRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.outbox.list({ limit: PAGE, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && all.length < MAX_ROWS);
    return all;
  }

  async function processOf(instanceId: string, cache: Map<string, string | null>): Promise<string | null> {
    if (!cache.has(instanceId)) cache.set(instanceId, (await store.instances.get(instanceId))?.definitionKey ?? null);
    return cache.get(instanceId)!;
  }

  return {
    async deadlines(principal: Principal, query: { definitionKey?: string }) {
      return guard(principal, 'instance.list', { resource: 'reports/deadlines', details: { definitionKey: query.definitionKey ?? null } }, async () => {
        const now = options.now().toISOString();
        const tasks: TaskRecord[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.instances.listTasks({ state: 'open', dueBefore: now, definitionKey: query.definitionKey, limit: PAGE, cursor });
          tasks.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && tasks.length < MAX_ROWS);
        const groupOrganisation = new Map<string, string>();
        for (const user of await store.users.listUsers()) {
          if (!user.organisation) continue;
          for (const group of user.groups) groupOrganisation.set(group, user.organisation);
        }
        const rows = new Map<string, DeadlineRow>();
        for (const task of tasks) {
          const key = `${task.definitionKey}\u0000${task.elementId}`;
          let row = rows.get(key);
          if (!row) {
            const organisations = [...new Set(task.candidateGroups.map((group) => groupOrganisation.get(group)).filter((org): org is string => !!org))].sort();
            row = { definitionKey: task.definitionKey, elementId: task.elementId, name: task.name, organisations, overdue: 0, oldestDueAt: task.dueAt! };
            rows.set(key, row);
          }
          row.overdue += 1;
          if (task.dueAt! < row.oldestDueAt) row.oldestDueAt = task.dueAt!;
        }
        const items = [...rows.values()].sort((a, b) => b.overdue - a.overdue || a.oldestDueAt.localeCompare(b.oldestDueAt));
        return { at: now, total: tasks.length, items };
      });
    },

    async handovers(principal: Principal) {
      return guard(principal, 'message.list', { resource: 'reports/handovers' }, async () => {
        const now = options.now();
        const records = await allOutbox();
        const pairs = pairHandovers(records, now);
        const processes = new Map<string, string | null>();
        const items: HandoverItem[] = [];
        for (const record of records) {
          const fromProcess = await processOf(record.sourceInstanceId, processes);
          const toInstanceIds = record.deliveredTo ?? [];
          const toProcesses: string[] = [];
          for (const id of toInstanceIds) {
            const key = await processOf(id, processes);
            if (key && !toProcesses.includes(key)) toProcesses.push(key);
          }
          const organisationOf = (key: string | null) => (key ? (PROCESS_ORGANISATIONS[key] ?? null) : null);
          items.push({
            id: record.id,
            messageName: record.messageName,
            correlationKey: record.correlationKey,
            fromInstanceId: record.sourceInstanceId,
            fromProcess,
            fromOrganisation: organisationOf(fromProcess),
            toInstanceIds,
            toProcesses,
            toOrganisations: [...new Set(toProcesses.map(organisationOf).filter((org): org is string => !!org))],
            sentAt: record.createdAt,
            state: record.state ?? 'pending',
            deliveredAt: record.deliveredAt ?? null,
            attempts: record.attempts,
            lastError: record.lastError,
            ...pairs.get(record.id)!,
          });
        }
        items.sort((a, b) => ORDER[a.feedback] - ORDER[b.feedback] || (a.state === 'pending' ? 0 : 1) - (b.state === 'pending' ? 0 : 1) || b.sentAt.localeCompare(a.sentAt));
        return { at: now.toISOString(), items };
      });
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
