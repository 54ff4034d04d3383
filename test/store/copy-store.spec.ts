/**
 * `npm run store:copy`: a SQLite store populated through the runtime (real instances with
 * tasks, timers, subscriptions, hand-overs, history, a retention purge, comments, users,
 * tokens, drafts and an audit log) is copied into MongoDB (MONGODB_URI, else jongodb) and
 * verified: equal counts and contents per aggregate, the audit chain valid on the target.
 */
import path from 'node:path';
import { expect } from 'chai';
import { AuditService } from '../../src/access/audit-service.js';
import { SYSTEM_ACTOR } from '../../src/access/principal.js';
import { systemClock } from '../../src/clock.js';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import mongoose from 'mongoose';
import { AGGREGATES, census, formatReport, main, verifyCopy } from '../../src/tools/copy-store.js';
import { dropTestDatabase, testMongoUri, uniqueDatabaseUri } from '../support/jongodb.js';
import { bpmn, createHarness, userTask, type Harness } from '../support/runtime-harness.js';
import { makeComment, makeDraft, makeToken, makeUser } from './fixtures.js';

const messages = `<bpmn:message id="Msg_Zorg" name="Zorgmelding"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="Msg_Terug" name="Terugkoppeling"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>`;

/** Throws a Zorgmelding, waits for the Terugkoppeling or one day, then a task. */
const politie = bpmn(
  `<bpmn:process id="politie" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stuur" />
    <bpmn:intermediateThrowEvent id="stuur" name="Zorgmelding versturen">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=regnr" target="regnr" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="Msg_Zorg" />
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="stuur" targetRef="gw" />
    <bpmn:eventBasedGateway id="gw" />
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="terug" />
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="dag" />
    <bpmn:intermediateCatchEvent id="terug" name="Terugkoppeling"><bpmn:messageEventDefinition messageRef="Msg_Terug" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="dag" name="Een dag"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="terug" targetRef="afronden" />
    <bpmn:sequenceFlow id="f6" sourceRef="dag" targetRef="afronden" />
    ${userTask('afronden', 'Afronden', 'politie-basisteam')}
    <bpmn:sequenceFlow id="f7" sourceRef="afronden" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>`,
  messages,
);

/** Started by the Zorgmelding: triage, then the Terugkoppeling back. */
const veiligThuis = bpmn(
  `<bpmn:process id="vt" isExecutable="true">
    <bpmn:startEvent id="ontvangen"><bpmn:messageEventDefinition messageRef="Msg_Zorg" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="ontvangen" targetRef="triage" />
    ${userTask('triage', 'Triage', 'vt-triage', '<zeebe:formDefinition formId="vt-triage-form" />')}
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="terug" />
    <bpmn:endEvent id="terug">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=regnr" target="regnr" /><zeebe:input source="=besluit" target="besluit" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="Msg_Terug" />
    </bpmn:endEvent>
  </bpmn:process>`,
  messages,
);

const triageForm = { id: 'vt-triage-form', type: 'default', components: [{ type: 'textfield', key: 'besluit', label: 'Besluit' }] };

/** A timer start every morning, and nothing else. */
const ochtend = bpmn(
  `<bpmn:process id="ochtend" isExecutable="true">
    <bpmn:startEvent id="elke-ochtend"><bpmn:timerEventDefinition><bpmn:timeCycle>R/2026-04-23T07:00:00Z/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="elke-ochtend" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>`,
);

async function populate(h: Harness): Promise<void> {
  await h.deploy(politie);
  await h.deploy(veiligThuis, { 'vt-triage-form': triageForm });
  await h.deploy(politie.replace('Zorgmelding versturen', 'Zorgmelding sturen')); // version 2
  await h.deploy(ochtend);
  const audit = new AuditService(h.store.audit, h.clock);
  const record = (action: string, instanceId: string | null) =>
    audit.record({ at: h.clock.now().toISOString(), actor: SYSTEM_ACTOR, role: null, organisation: null, action, resource: `test/${action}`, instanceId, outcome: 'allowed', details: { n: 1 } });

  // Twelve police cases: each hands a Zorgmelding over and starts a Veilig Thuis case.
  const police: string[] = [];
  for (let i = 0; i < 12; i++) {
    const started = await h.runtime.startInstance({ definitionKey: 'politie', businessKey: `PL-${i}`, variables: { regnr: `PL-${i}`, geheim: 'x' } }, 'agent');
    police.push(started.instance.id);
    await record('instance.start', started.instance.id);
  }
  await h.runtime.scheduler.runDue();
  // Half of the Veilig Thuis cases decide: their Terugkoppeling completes... the police waits on.
  const vt = (await h.store.instances.list({ definitionKey: 'vt', limit: 500 })).items;
  expect(vt).to.have.length(12);
  for (const instance of vt.slice(0, 6)) {
    const [task] = (await h.store.instances.tasksOfInstance(instance.id)).filter((t) => t.state === 'open');
    await h.runtime.claimTask(task.id, 'vt-triagist');
    await h.runtime.completeTask(task.id, { besluit: 'advies' }, 'vt-triagist');
    await record('task.complete', instance.id);
  }
  await h.runtime.scheduler.runDue();
  // One police case is cancelled; a day passes for the timers of those still waiting; three
  // finish their task; retention removes the case data of one of those.
  await h.runtime.cancelInstance(police[11], 'dubbel', 'admin');
  h.clock.advance(25 * 60 * 60 * 1000);
  await h.runtime.scheduler.runDue();
  for (const id of police.slice(0, 3)) {
    const [task] = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    await h.runtime.completeTask(task.id, {}, 'agent');
  }
  await h.store.instances.purgeCaseData(police[0], h.clock.now().toISOString());
  // Four more cases that still wait for a day: their timers are copied too.
  for (let i = 12; i < 16; i++) {
    await h.runtime.startInstance({ definitionKey: 'politie', businessKey: `PL-${i}`, variables: { regnr: `PL-${i}` } }, 'agent');
  }

  for (const id of police.slice(0, 4)) await h.store.comments.add(makeComment((await h.store.instances.get(id))!));
  await h.store.comments.add(makeComment((await h.store.instances.get(vt[0].id))!, { visibleTo: ['veilig-thuis'] }));
  for (const user of [makeUser({ id: 'anna' }), makeUser({ id: 'bram', disabled: true, passwordHash: null })]) await h.store.users.putUser(user);
  for (const userId of ['anna', 'anna', 'bram']) await h.store.users.addToken(makeToken({ userId }));
  await h.store.drafts.put(makeDraft({ key: 'politie' }));
  await h.store.drafts.put(makeDraft({ key: 'nieuw-proces' }));
  for (let i = 0; i < 30; i++) await record('instance.read', police[i % police.length]);
}

describe('store:copy from SQLite to MongoDB', function () {
  this.timeout(120_000);
  let h: Harness;
  let uri: string;
  const opened: Store[] = [];

  before(async function () {
    h = await createHarness();
    await populate(h);
    await h.runtime.scheduler.stop();
    uri = uniqueDatabaseUri(await testMongoUri(), 'samenspel_copy');
  });

  after(async function () {
    for (const store of opened) await store.close();
    await h?.close();
    if (uri) await dropTestDatabase(uri);
  });

  it('should copy every aggregate and verify counts, contents and the audit chain', async function () {
    const file = path.join(h.dir, 'samenspel.db');
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args.join(' '));
    let code: number;
    try {
      code = await main(['--from', `sqlite:${file}`, '--to', uri]);
    } finally {
      console.log = log;
    }

    expect(code, printed.join('\n')).to.equal(0);
    expect(printed.join('\n')).to.match(/copy verified: counts, contents and audit chain match/);
    for (const name of AGGREGATES) expect(printed.join('\n')).to.match(new RegExp(`^${name} +\\d+ +\\d+  ok$`, 'm'));

    const source = await openSqliteStore({ file });
    const target = await openMongoStore({ uri });
    opened.push(source, target);
    const [before, after] = [await census(source), await census(target)];
    expect(after).to.deep.equal(before);
    for (const name of AGGREGATES) expect(before.counts[name], name).to.be.above(0);
    expect(before.counts.instances).to.equal(28);
    expect(before.counts.definitions).to.equal(4);

    const verification = await new AuditService(target.audit, systemClock).verify();
    expect(verification).to.deep.include({ valid: true, entries: before.counts.audit });
    expect(verification.lastHash).to.equal((await new AuditService(source.audit, systemClock).verify()).lastHash);

    // Spot checks: exact records, delivery states, leases and purges survive.
    const [purged] = (await source.instances.list({ limit: 500 })).items.filter((i) => i.purgedAt);
    expect(await target.instances.get(purged.id)).to.deep.equal(purged);
    const delivered = (await source.outbox.list({ state: 'delivered' })).items;
    expect(delivered.length).to.be.above(0);
    for (const message of delivered) expect(await target.outbox.get(message.id)).to.deep.equal(message);
    expect(await target.timers.startTimers('ochtend')).to.deep.equal(await source.timers.startTimers('ochtend'));
  });

  it('should report a difference made after the copy (a task changed, an audit entry rewritten)', async function () {
    const raw = await mongoose.createConnection(uri).asPromise();
    try {
      const [task] = await raw.db!.collection('tasks').find({}).limit(1).toArray();
      await raw.db!.collection('tasks').updateOne({ _id: task._id }, { $set: { name: 'veranderd' } });
      await raw.db!.collection<{ _id: number }>('audit_entries').updateOne({ _id: 5 }, { $set: { actor: 'iemand' } });
      const source = await openSqliteStore({ file: path.join(h.dir, 'samenspel.db') });
      const target = await openMongoStore({ uri });
      opened.push(source, target);

      const report = await verifyCopy(source, target);

      expect(report.ok).to.equal(false);
      expect(report.mismatches).to.deep.equal(['tasks', 'audit']);
      expect(report.audit).to.deep.include({ valid: false, firstBrokenAt: 5 });
      expect(formatReport(report)).to.match(/^tasks +\d+ +\d+  DIFFERENT$/m);
    } finally {
      await raw.close();
    }
  });

  it('should refuse to copy into a store that is not empty', async function () {
    const code = await (async () => {
      const error = console.error;
      console.error = () => undefined;
      try {
        return await main(['--from', `sqlite:${path.join(h.dir, 'samenspel.db')}`, '--to', uri]).catch((err: Error) => err);
      } finally {
        console.error = error;
      }
    })();

    expect(code).to.be.instanceOf(Error);
    expect((code as Error).message).to.match(/not empty/);
  });
});
