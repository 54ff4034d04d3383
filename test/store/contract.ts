/**
 * The store contract: what every adapter of src/store/port.ts must do, run against each
 * adapter (test/store/sqlite-store.spec.ts, later the MongoDB adapter) by
 * `describeStoreContract(name, open)`.
 *
 * `open` gives a fresh, empty store for each test; `reopen` (optional) closes nothing
 * itself but opens a new store on the same data after the test closed the first one;
 * `cleanup` closes whatever is still open and removes the data.
 */
import { expect } from 'chai';
import { BadRequestError, ConflictError, NotFoundError } from '../../src/errors.js';
import type {
  AuditEntry,
  InstanceRecord,
  InstanceWrite,
  OutboxRecord,
  Page,
  Store,
  TaskQuery,
  TaskRecord,
  TimerRecord,
} from '../../src/store/port.js';
import {
  at,
  auditHash,
  auditInputOf,
  makeAuditEntry,
  makeComment,
  makeDefinition,
  makeDraft,
  makeEvent,
  makeForm,
  makeInstance,
  makeOutbox,
  makeStartTimer,
  makeSubscription,
  makeTask,
  makeTimer,
  makeToken,
  makeUser,
  makeWrite,
  nextRevision,
  pendingOutbox,
  T0,
  uniqueId,
} from './fixtures.js';

export interface OpenedStore {
  store: Store;
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

/** Resolves to the rejection reason; fails when the promise fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

/** Follows nextCursor until the last page; fails on a runaway loop. */
async function allPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>) {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.nextCursor ?? undefined;
    if (sizes.length > 1000) throw new Error('pagination does not end');
  } while (cursor !== undefined);
  return { items, sizes };
}

/** The port's task order: dueAt ascending with nulls last, then createdAt, then id. */
function byTaskOrder(a: TaskRecord, b: TaskRecord): number {
  if (a.dueAt !== b.dueAt) {
    if (a.dueAt === null) return 1;
    if (b.dueAt === null) return -1;
    return a.dueAt < b.dueAt ? -1 : 1;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The port's instance order: newest first (startedAt descending, then id descending). */
function byInstanceOrder(a: InstanceRecord, b: InstanceRecord): number {
  if (a.startedAt !== b.startedAt) return a.startedAt > b.startedAt ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

const ids = (records: { id: string }[]) => records.map((r) => r.id);

/**
 * Checks that audit entries (ascending, from seq 1) form one chain of `count` entries: seq
 * without gaps, prevHash of the first '' and of the others the hash before, every hash
 * recomputed from the stored entry.
 */
export function expectAuditChain(entries: AuditEntry[], count: number): void {
  expect(entries.map((e) => e.seq)).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
  entries.forEach((entry, i) => {
    expect(entry.prevHash).to.equal(i === 0 ? '' : entries[i - 1].hash);
    expect(entry.hash).to.equal(auditHash(entry.prevHash, entry.seq, auditInputOf(entry)));
  });
}

export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, function () {
    let opened: OpenedStore;
    let store: Store;

    beforeEach(async function () {
      opened = await open();
      store = opened.store;
    });

    afterEach(async function () {
      await opened.cleanup();
    });

    /** Creates an instance (revision 1) with the given parts and returns the write. */
    async function createInstance(
      overrides: Partial<InstanceRecord> = {},
      parts: (instance: InstanceRecord) => Partial<Omit<InstanceWrite, 'instance'>> = () => ({}),
    ): Promise<InstanceWrite> {
      const instance = makeInstance(overrides);
      const write = makeWrite(instance, parts(instance));
      await store.instances.create(write);
      return write;
    }

    // ------------------------------------------------------------ definitions and forms

    describe('definitions', function () {
      it('should return a version by key and version, and null for an unknown one', async function () {
        const v1 = makeDefinition({ key: 'zorgmelding-politie', version: 1 });
        await store.definitions.addVersion(v1);

        expect(await store.definitions.getVersion('zorgmelding-politie', 1)).to.deep.equal(v1);
        expect(await store.definitions.getVersion('zorgmelding-politie', 2)).to.equal(null);
        expect(await store.definitions.getVersion('unknown', 1)).to.equal(null);
      });

      it('should answer the highest version as the latest, comparing versions as numbers', async function () {
        await store.definitions.addVersion(makeDefinition({ key: 'p', version: 2 }));
        const v10 = makeDefinition({ key: 'p', version: 10, name: 'Tenth' });
        await store.definitions.addVersion(v10);
        await store.definitions.addVersion(makeDefinition({ key: 'p', version: 9 }));

        expect(await store.definitions.getLatest('p')).to.deep.equal(v10);
        expect(await store.definitions.getLatest('other')).to.equal(null);
      });

      it('should list the versions of one key in ascending order', async function () {
        const v2 = makeDefinition({ key: 'p', version: 2 });
        const v1 = makeDefinition({ key: 'p', version: 1 });
        await store.definitions.addVersion(v2);
        await store.definitions.addVersion(v1);
        await store.definitions.addVersion(makeDefinition({ key: 'q', version: 1 }));

        expect(await store.definitions.listVersions('p')).to.deep.equal([v1, v2]);
        expect(await store.definitions.listVersions('none')).to.deep.equal([]);
      });

      it('should reject a duplicate (key, version) with ConflictError and keep the first', async function () {
        const first = makeDefinition({ key: 'p', version: 1, checksum: 'first' });
        await store.definitions.addVersion(first);

        const error = await rejection(store.definitions.addVersion({ ...first, checksum: 'second' }));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.definitions.listVersions('p')).to.deep.equal([first]);
      });

      it('should summarise the latest version of every key, sorted by key', async function () {
        expect(await store.definitions.listLatest()).to.deep.equal([]);
        await store.definitions.addVersion(makeDefinition({ key: 'zorg', version: 1, name: 'Zorg 1' }));
        await store.definitions.addVersion(makeDefinition({ key: 'melding', version: 1, name: 'Melding 1' }));
        await store.definitions.addVersion(makeDefinition({ key: 'zorg', version: 2, name: 'Zorg 2' }));

        expect(await store.definitions.listLatest()).to.deep.equal([
          { key: 'melding', name: 'Melding 1', latestVersion: 1 },
          { key: 'zorg', name: 'Zorg 2', latestVersion: 2 },
        ]);
      });

      it('should return the whole latest record of every key, sorted by key', async function () {
        expect(await store.definitions.latestVersions()).to.deep.equal([]);
        const zorg2 = makeDefinition({ key: 'zorg', version: 2 });
        const melding = makeDefinition({ key: 'melding', version: 1 });
        await store.definitions.addVersion(makeDefinition({ key: 'zorg', version: 1 }));
        await store.definitions.addVersion(zorg2);
        await store.definitions.addVersion(melding);

        expect(await store.definitions.latestVersions()).to.deep.equal([melding, zorg2]);
      });
    });

    describe('forms', function () {
      it('should return a form version, the latest form, and null for unknown ones', async function () {
        const f1 = makeForm({ formId: 'triage', version: 1 });
        const f2 = makeForm({ formId: 'triage', version: 2, schema: { components: [] } });
        await store.definitions.addFormVersion(f2);
        await store.definitions.addFormVersion(f1);

        expect(await store.definitions.getFormVersion('triage', 1)).to.deep.equal(f1);
        expect(await store.definitions.getFormVersion('triage', 3)).to.equal(null);
        expect(await store.definitions.getLatestForm('triage')).to.deep.equal(f2);
        expect(await store.definitions.getLatestForm('unknown')).to.equal(null);
      });

      it('should reject a duplicate (formId, version) with ConflictError and keep the first', async function () {
        const first = makeForm({ formId: 'triage', version: 1, checksum: 'first' });
        await store.definitions.addFormVersion(first);

        const error = await rejection(store.definitions.addFormVersion({ ...first, checksum: 'second' }));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.definitions.getFormVersion('triage', 1)).to.deep.equal(first);
      });
    });

    // ------------------------------------------------------------ instances

    describe('instances: create and get', function () {
      it('should store an instance with its tasks, timers, subscriptions and history', async function () {
        const write = await createInstance({ businessKey: 'PL-1' }, (instance) => ({
          tasks: [makeTask(instance)],
          timers: [makeTimer(instance)],
          subscriptions: [makeSubscription(instance)],
          history: [makeEvent(instance), makeEvent(instance, { type: 'task-created', elementId: 'triage' })],
        }));
        const id = write.instance.id;

        expect(await store.instances.get(id)).to.deep.equal(write.instance);
        expect(await store.instances.tasksOfInstance(id)).to.deep.equal(write.tasks);
        expect(await store.instances.getTask(write.tasks[0].id)).to.deep.equal(write.tasks[0]);
        expect(await store.instances.timersOfInstance(id)).to.deep.equal(write.timers);
        expect(await store.instances.subscriptionsOfInstance(id)).to.deep.equal(write.subscriptions);
        const history = await store.instances.history(id);
        expect(history.map(({ seq, ...event }) => event)).to.deep.equal(write.history);
      });

      it('should answer null for an unknown instance or task, and empty lists for its parts', async function () {
        expect(await store.instances.get('nope')).to.equal(null);
        expect(await store.instances.getTask('nope')).to.equal(null);
        expect(await store.instances.tasksOfInstance('nope')).to.deep.equal([]);
        expect(await store.instances.timersOfInstance('nope')).to.deep.equal([]);
        expect(await store.instances.subscriptionsOfInstance('nope')).to.deep.equal([]);
        expect(await store.instances.history('nope')).to.deep.equal([]);
      });

      it('should keep an ended instance with incidents, no engine state and an end time', async function () {
        const write = await createInstance({
          status: 'incident',
          engineState: null,
          endedAt: at(5),
          incidents: [{ id: 'inc-1', elementId: 'send-mail', message: 'connector failed', at: at(4) }],
          variables: {},
        });

        expect(await store.instances.get(write.instance.id)).to.deep.equal(write.instance);
      });

      it('should reject a create with an existing id with ConflictError and write none of it', async function () {
        const first = await createInstance({}, (instance) => ({ history: [makeEvent(instance)] }));
        const again = { ...first.instance, variables: { overwritten: true } };
        const duplicate = makeWrite(again, {
          tasks: [makeTask(again)],
          timers: [makeTimer(again)],
          subscriptions: [makeSubscription(again)],
          history: [makeEvent(again, { type: 'duplicate' })],
        });

        const error = await rejection(store.instances.create(duplicate));

        expect(error).to.be.instanceOf(ConflictError);
        const id = first.instance.id;
        expect(await store.instances.get(id)).to.deep.equal(first.instance);
        expect(await store.instances.tasksOfInstance(id)).to.deep.equal([]);
        expect(await store.instances.getTask(duplicate.tasks[0].id)).to.equal(null);
        expect(await store.instances.timersOfInstance(id)).to.deep.equal([]);
        expect(await store.instances.subscriptionsOfInstance(id)).to.deep.equal([]);
        expect((await store.instances.history(id)).map((e) => e.type)).to.deep.equal(['started']);
      });

      it('should refuse to create an instance whose revision is not 1', async function () {
        const instance = makeInstance({ revision: 2 });

        const error = await rejection(store.instances.create(makeWrite(instance)));

        expect(error).to.be.instanceOf(Error);
        expect(error).not.to.be.instanceOf(ConflictError);
        expect(await store.instances.get(instance.id)).to.equal(null);
      });

      it('should refuse a write that holds records of another instance', async function () {
        const instance = makeInstance();
        const other = makeInstance();

        const error = await rejection(store.instances.create(makeWrite(instance, { tasks: [makeTask(other)] })));

        expect(error).to.be.instanceOf(Error);
        expect(error).not.to.be.instanceOf(ConflictError);
        expect(await store.instances.get(instance.id)).to.equal(null);
      });
    });

    describe('instances: save', function () {
      it('should save the next revision: tasks upserted, timers and subscriptions replaced, history appended', async function () {
        const created = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance, { elementId: 'triage' })],
          timers: [makeTimer(instance, { elementId: 'old-timer' })],
          subscriptions: [makeSubscription(instance, { messageName: 'Old' })],
          history: [makeEvent(instance, { type: 'started' })],
        }));
        const [triage] = created.tasks;
        const saved = nextRevision(created.instance, { variables: { besluit: 'onderzoek' } });
        const completed: TaskRecord = { ...triage, state: 'completed', completedAt: at(10), completedBy: 'vt-triagist' };
        const onderzoek = makeTask(saved, { elementId: 'onderzoek', candidateGroups: ['vt-onderzoek'] });
        const newTimer = makeTimer(saved, { elementId: 'onderzoek-deadline', dueAt: at(100) });
        const newSubscription = makeSubscription(saved, { messageName: 'New', correlationKey: null });

        await store.instances.save(
          makeWrite(saved, {
            tasks: [completed, onderzoek],
            timers: [newTimer],
            subscriptions: [newSubscription],
            history: [
              makeEvent(saved, { type: 'task-completed', elementId: 'triage', data: { besluit: 'onderzoek' } }),
              makeEvent(saved, { type: 'task-created', elementId: 'onderzoek' }),
            ],
          }),
          1,
        );

        const id = saved.id;
        expect(await store.instances.get(id)).to.deep.equal(saved);
        expect((await store.instances.get(id))?.revision).to.equal(2);
        expect(await store.instances.getTask(triage.id)).to.deep.equal(completed);
        expect(await store.instances.getTask(onderzoek.id)).to.deep.equal(onderzoek);
        expect(ids(await store.instances.tasksOfInstance(id))).to.have.members([triage.id, onderzoek.id]);
        expect(await store.instances.timersOfInstance(id)).to.deep.equal([newTimer]);
        expect(await store.instances.subscriptionsOfInstance(id)).to.deep.equal([newSubscription]);
        expect(await store.instances.findSubscriptions('Old', 'PL-2026-001')).to.deep.equal([]);
        const history = await store.instances.history(id);
        expect(history.map((e) => e.type)).to.deep.equal(['started', 'task-completed', 'task-created']);
        expect(history[1].data).to.deep.equal({ besluit: 'onderzoek' });
      });

      it('should keep tasks that a save does not mention', async function () {
        const created = await createInstance({}, (instance) => ({ tasks: [makeTask(instance)] }));

        await store.instances.save(makeWrite(nextRevision(created.instance)), 1);

        expect(await store.instances.tasksOfInstance(created.instance.id)).to.deep.equal(created.tasks);
      });

      it('should remove all timers and subscriptions when a save has none', async function () {
        const created = await createInstance({}, (instance) => ({
          timers: [makeTimer(instance), makeTimer(instance)],
          subscriptions: [makeSubscription(instance)],
        }));

        await store.instances.save(makeWrite(nextRevision(created.instance, { status: 'completed' })), 1);

        expect(await store.instances.timersOfInstance(created.instance.id)).to.deep.equal([]);
        expect(await store.instances.subscriptionsOfInstance(created.instance.id)).to.deep.equal([]);
        expect(await store.timers.due(at(1000), 10)).to.deep.equal([]);
        expect(await store.instances.findSubscriptions('Terugkoppeling', 'PL-2026-001')).to.deep.equal([]);
      });

      it('should save several revisions one after another', async function () {
        const created = await createInstance();
        let current = created.instance;
        for (let revision = 1; revision <= 5; revision++) {
          const next = nextRevision(current, { variables: { step: revision } });
          await store.instances.save(makeWrite(next, { history: [makeEvent(next, { type: `step-${revision}` })] }), revision);
          current = next;
        }

        expect(await store.instances.get(current.id)).to.deep.equal(current);
        expect(current.revision).to.equal(6);
        expect((await store.instances.history(current.id)).map((e) => e.type)).to.deep.equal([
          'step-1', 'step-2', 'step-3', 'step-4', 'step-5',
        ]);
      });

      it('should reject a stale revision with ConflictError and write nothing of it', async function () {
        const created = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance)],
          timers: [makeTimer(instance)],
          subscriptions: [makeSubscription(instance)],
          history: [makeEvent(instance)],
        }));
        const id = created.instance.id;
        const winner = nextRevision(created.instance, { variables: { by: 'winner' } });
        await store.instances.save(makeWrite(winner, { tasks: created.tasks, timers: created.timers, subscriptions: created.subscriptions }), 1);
        const before = {
          instance: await store.instances.get(id),
          tasks: await store.instances.tasksOfInstance(id),
          timers: await store.instances.timersOfInstance(id),
          subscriptions: await store.instances.subscriptionsOfInstance(id),
          history: await store.instances.history(id),
        };

        // A second command that also read revision 1.
        const loser = nextRevision(created.instance, { variables: { by: 'loser' }, status: 'completed' });
        const loserTask = makeTask(loser, { elementId: 'loser-task' });
        const error = await rejection(
          store.instances.save(
            makeWrite(loser, {
              tasks: [{ ...created.tasks[0], state: 'completed', completedBy: 'loser' }, loserTask],
              timers: [makeTimer(loser, { elementId: 'loser-timer' })],
              subscriptions: [],
              history: [makeEvent(loser, { type: 'loser-event' })],
            }),
            1,
          ),
        );

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.instances.get(id)).to.deep.equal(before.instance);
        expect(await store.instances.tasksOfInstance(id)).to.deep.equal(before.tasks);
        expect(await store.instances.getTask(loserTask.id)).to.equal(null);
        expect(await store.instances.timersOfInstance(id)).to.deep.equal(before.timers);
        expect(await store.instances.subscriptionsOfInstance(id)).to.deep.equal(before.subscriptions);
        expect(await store.instances.history(id)).to.deep.equal(before.history);
      });

      it('should reject a save of an unknown instance with ConflictError', async function () {
        const instance = nextRevision(makeInstance());

        const error = await rejection(store.instances.save(makeWrite(instance, { history: [makeEvent(instance)] }), 1));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.instances.get(instance.id)).to.equal(null);
        expect(await store.instances.history(instance.id)).to.deep.equal([]);
      });

      it('should refuse a save whose instance revision is not expectedRevision + 1', async function () {
        const created = await createInstance();
        const wrong = { ...created.instance, revision: 5, variables: { wrong: true } };

        const error = await rejection(store.instances.save(makeWrite(wrong), 1));

        expect(error).to.be.instanceOf(Error);
        expect(error).not.to.be.instanceOf(ConflictError);
        expect(await store.instances.get(created.instance.id)).to.deep.equal(created.instance);
      });

      it('should let exactly one of two saves from the same revision win', async function () {
        const created = await createInstance();
        const a = nextRevision(created.instance, { variables: { by: 'a' } });
        const b = nextRevision(created.instance, { variables: { by: 'b' } });

        const results = await Promise.allSettled([
          store.instances.save(makeWrite(a, { history: [makeEvent(a, { type: 'by-a' })] }), 1),
          store.instances.save(makeWrite(b, { history: [makeEvent(b, { type: 'by-b' })] }), 1),
        ]);

        const fulfilled = results.filter((r) => r.status === 'fulfilled');
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(fulfilled).to.have.length(1);
        expect(rejected).to.have.length(1);
        expect(rejected[0].reason).to.be.instanceOf(ConflictError);
        const stored = await store.instances.get(created.instance.id);
        const winner = results[0].status === 'fulfilled' ? 'a' : 'b';
        expect(stored?.variables).to.deep.equal({ by: winner });
        expect((await store.instances.history(created.instance.id)).map((e) => e.type)).to.deep.equal([`by-${winner}`]);
      });

      it('should reject a task id that belongs to another instance with ConflictError and write nothing', async function () {
        const first = await createInstance({}, (instance) => ({ tasks: [makeTask(instance)] }));
        const second = await createInstance();
        const next = nextRevision(second.instance, { variables: { stolen: true } });
        const stolen: TaskRecord = { ...first.tasks[0], instanceId: next.id, name: 'stolen' };

        const error = await rejection(store.instances.save(makeWrite(next, { tasks: [stolen] }), 1));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.instances.getTask(stolen.id)).to.deep.equal(first.tasks[0]);
        expect(await store.instances.get(second.instance.id)).to.deep.equal(second.instance);
      });

      it('should reject a timer id that belongs to another instance with ConflictError and write nothing', async function () {
        const first = await createInstance({}, (instance) => ({ timers: [makeTimer(instance)] }));
        const second = await createInstance();
        const next = nextRevision(second.instance);
        const stolen: TimerRecord = { ...first.timers[0], instanceId: next.id };

        const error = await rejection(store.instances.save(makeWrite(next, { timers: [stolen] }), 1));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.instances.timersOfInstance(first.instance.id)).to.deep.equal(first.timers);
        expect(await store.instances.get(second.instance.id)).to.deep.equal(second.instance);
      });
    });

    // ------------------------------------------------------------ task queries

    describe('tasks: queries', function () {
      it('should filter by state, instance, definition key, assignee and business key', async function () {
        const a = await createInstance({ definitionKey: 'melding', businessKey: 'BK-A' }, (instance) => ({
          tasks: [
            makeTask(instance, { state: 'open', assignee: 'vt-triagist' }),
            makeTask(instance, { state: 'completed', assignee: 'vt-triagist', completedAt: at(3), completedBy: 'vt-triagist' }),
          ],
        }));
        const b = await createInstance({ definitionKey: 'zorg', businessKey: 'BK-B' }, (instance) => ({
          tasks: [makeTask(instance, { state: 'open' }), makeTask(instance, { state: 'cancelled' })],
        }));
        const [aOpen, aDone] = a.tasks;
        const [bOpen, bCancelled] = b.tasks;
        const list = async (query: Parameters<Store['instances']['listTasks']>[0]) =>
          ids((await store.instances.listTasks(query)).items);

        expect(await list({})).to.have.members([aOpen.id, aDone.id, bOpen.id, bCancelled.id]);
        expect(await list({ state: 'open' })).to.have.members([aOpen.id, bOpen.id]);
        expect(await list({ state: 'cancelled' })).to.deep.equal([bCancelled.id]);
        expect(await list({ instanceId: a.instance.id })).to.have.members([aOpen.id, aDone.id]);
        expect(await list({ definitionKey: 'zorg' })).to.have.members([bOpen.id, bCancelled.id]);
        expect(await list({ assignee: 'vt-triagist' })).to.have.members([aOpen.id, aDone.id]);
        expect(await list({ assignee: 'vt-triagist', state: 'open' })).to.deep.equal([aOpen.id]);
        expect(await list({ businessKey: 'BK-B' })).to.have.members([bOpen.id, bCancelled.id]);
        expect(await list({ businessKey: 'BK-B', state: 'open', definitionKey: 'zorg' })).to.deep.equal([bOpen.id]);
        expect(await list({ businessKey: 'none' })).to.deep.equal([]);
      });

      it('should return only tasks due strictly before dueBefore, never tasks without a due date', async function () {
        const write = await createInstance({}, (instance) => ({
          tasks: [
            makeTask(instance, { dueAt: at(10) }),
            makeTask(instance, { dueAt: at(20) }),
            makeTask(instance, { dueAt: at(30) }),
            makeTask(instance, { dueAt: null }),
          ],
        }));
        const [due10, due20] = write.tasks;

        const page = await store.instances.listTasks({ dueBefore: at(30) });

        expect(ids(page.items)).to.deep.equal([due10.id, due20.id]);
      });

      it('should show a case worker the tasks of their groups, where they are candidate, or assigned', async function () {
        const write = await createInstance({}, (instance) => ({
          tasks: [
            makeTask(instance, { name: 'group', candidateGroups: ['vt-triage'] }),
            makeTask(instance, { name: 'other group', candidateGroups: ['vt-onderzoek'] }),
            makeTask(instance, { name: 'candidate user', candidateGroups: ['politie-hgkm'], candidateUsers: ['anna'] }),
            makeTask(instance, { name: 'assignee', candidateGroups: [], assignee: 'anna' }),
            makeTask(instance, { name: 'assigned elsewhere', candidateGroups: ['om-officier'], assignee: 'bert' }),
            makeTask(instance, { name: 'two groups', candidateGroups: ['vt-triage', 'vt-teamleider'] }),
            makeTask(instance, { name: 'all three', candidateGroups: ['vt-teamleider'], candidateUsers: ['anna'], assignee: 'anna' }),
            makeTask(instance, { name: 'done', candidateGroups: ['vt-triage'], state: 'completed' }),
          ],
        }));
        const named = (...names: string[]) => write.tasks.filter((t) => names.includes(t.name)).map((t) => t.id);

        const visible = await store.instances.listTasks({
          visibleTo: { userId: 'anna', groups: ['vt-triage', 'vt-teamleider'] },
        });
        expect(ids(visible.items)).to.have.members(
          named('group', 'candidate user', 'assignee', 'two groups', 'all three', 'done'),
        );
        expect(ids(visible.items)).to.have.length(6); // no task twice

        const open = await store.instances.listTasks({
          state: 'open',
          visibleTo: { userId: 'anna', groups: ['vt-triage', 'vt-teamleider'] },
        });
        expect(ids(open.items)).to.have.members(named('group', 'candidate user', 'assignee', 'two groups', 'all three'));

        const noGroups = await store.instances.listTasks({ visibleTo: { userId: 'anna', groups: [] } });
        expect(ids(noGroups.items)).to.have.members(named('candidate user', 'assignee', 'all three'));

        const stranger = await store.instances.listTasks({ visibleTo: { userId: 'carla', groups: ['rvdk-onderzoek'] } });
        expect(stranger.items).to.deep.equal([]);
      });

      it("should page a case worker's open tasks in order across their groups, candidacies and assignments", async function () {
        // Interleaved due dates over every way of seeing a task, so that a page takes some of
        // each; a task in two of the groups; tasks without a due date last; others' tasks between.
        const plan: [string, Partial<TaskRecord>][] = [
          ['triage 5', { dueAt: at(5), candidateGroups: ['vt-triage'] }],
          ['leider 10', { dueAt: at(10), candidateGroups: ['vt-teamleider'] }],
          ['both 15', { dueAt: at(15), candidateGroups: ['vt-triage', 'vt-teamleider'] }],
          ['user 20', { dueAt: at(20), candidateGroups: ['politie-hgkm'], candidateUsers: ['anna'] }],
          ['assigned 25', { dueAt: at(25), candidateGroups: ['om-officier'], assignee: 'anna' }],
          ['triage 30', { dueAt: at(30), candidateGroups: ['vt-triage'] }],
          ['leider none', { dueAt: null, candidateGroups: ['vt-teamleider'] }],
          ['user none', { dueAt: null, candidateGroups: [], candidateUsers: ['anna'] }],
          ['other 1', { dueAt: at(1), candidateGroups: ['vt-onderzoek'] }],
          ['other 12', { dueAt: at(12), candidateGroups: ['vt-onderzoek'], assignee: 'bert' }],
          ['done 2', { dueAt: at(2), candidateGroups: ['vt-triage'], state: 'completed' }],
        ];
        const write = await createInstance({}, (instance) => ({ tasks: plan.map(([name, overrides]) => makeTask(instance, { name, ...overrides })) }));
        const byName = (name: string) => write.tasks.find((t) => t.name === name)!.id;
        const anna = { userId: 'anna', groups: ['vt-triage', 'vt-teamleider'] };
        const pages = async (query: TaskQuery) => {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.instances.listTasks({ ...query, limit: 2, cursor });
            seen.push(...ids(page.items));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);
          return seen;
        };

        const expected = ['triage 5', 'leider 10', 'both 15', 'user 20', 'assigned 25', 'triage 30', 'leider none', 'user none'];
        expect(await pages({ state: 'open', visibleTo: anna })).to.deep.equal(expected.map(byName));
        expect(await pages({ state: 'open', visibleTo: anna, dueBefore: at(21) })).to.deep.equal(expected.slice(0, 4).map(byName));

        // A save that moves a due date moves the task in the list.
        const next = nextRevision(write.instance);
        const task = write.tasks.find((t) => t.name === 'triage 30')!;
        await store.instances.save(makeWrite(next, { tasks: [{ ...task, dueAt: at(3) }] }), 1);
        const first = await store.instances.listTasks({ state: 'open', visibleTo: anna, limit: 1 });
        expect(ids(first.items)).to.deep.equal([task.id]);
      });

      it('should follow changed candidates, assignee and state after a save', async function () {
        const created = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance, { candidateGroups: ['vt-triage'], candidateUsers: ['anna'] })],
        }));
        const [task] = created.tasks;
        const visibleTo = (userId: string, groups: string[]) =>
          store.instances.listTasks({ state: 'open', visibleTo: { userId, groups } }).then((p) => ids(p.items));

        const next = nextRevision(created.instance);
        const moved: TaskRecord = { ...task, candidateGroups: ['vt-onderzoek'], candidateUsers: ['bert'], assignee: 'carla' };
        await store.instances.save(makeWrite(next, { tasks: [moved] }), 1);

        expect(await visibleTo('anna', ['vt-triage'])).to.deep.equal([]);
        expect(await visibleTo('x', ['vt-onderzoek'])).to.deep.equal([task.id]);
        expect(await visibleTo('bert', [])).to.deep.equal([task.id]);
        expect(await visibleTo('carla', [])).to.deep.equal([task.id]);

        const last = nextRevision(next);
        await store.instances.save(makeWrite(last, { tasks: [{ ...moved, state: 'completed', completedAt: at(9), completedBy: 'carla' }] }), 2);

        expect(await visibleTo('x', ['vt-onderzoek'])).to.deep.equal([]);
        expect(await visibleTo('carla', [])).to.deep.equal([]);
        const anyState = await store.instances.listTasks({ visibleTo: { userId: 'x', groups: ['vt-onderzoek'] } });
        expect(ids(anyState.items)).to.deep.equal([task.id]);
      });

      it('should sort by dueAt (nulls last), createdAt and id, and page through without duplicates or gaps', async function () {
        const dueTimes = [at(30), null, at(10), at(20), at(10)];
        const createdTimes = [at(-2), T0, at(-1)];
        const tasks: TaskRecord[] = [];
        const instances: InstanceWrite[] = [];
        for (let i = 0; i < 3; i++) {
          const instance = makeInstance();
          const write = makeWrite(instance);
          for (let j = 0; j < 9; j++) {
            const n = i * 9 + j;
            write.tasks.push(
              makeTask(instance, {
                id: `task-${String((n * 7) % 27).padStart(2, '0')}-${uniqueId('p')}`,
                dueAt: dueTimes[n % dueTimes.length],
                createdAt: createdTimes[n % createdTimes.length],
                candidateGroups: n % 2 === 0 ? ['vt-triage'] : ['vt-onderzoek'],
              }),
            );
          }
          write.tasks.reverse();
          instances.push(write);
          tasks.push(...write.tasks);
        }
        for (const write of instances) await store.instances.create(write);
        const expected = [...tasks].sort(byTaskOrder);

        const { items, sizes } = await allPages((cursor) => store.instances.listTasks({ limit: 4, cursor }));

        expect(sizes).to.deep.equal([4, 4, 4, 4, 4, 4, 3]);
        expect(ids(items)).to.deep.equal(ids(expected));
        expect(items).to.deep.equal(expected);

        const visible = await allPages((cursor) =>
          store.instances.listTasks({ state: 'open', visibleTo: { userId: 'nobody', groups: ['vt-triage'] }, limit: 3, cursor }),
        );
        expect(ids(visible.items)).to.deep.equal(ids(expected.filter((t) => t.candidateGroups.includes('vt-triage'))));
      });

      it('should end with a null cursor and not return an empty last page', async function () {
        await createInstance({}, (instance) => ({ tasks: [makeTask(instance), makeTask(instance)] }));

        const first = await store.instances.listTasks({ limit: 2 });
        const exact = await store.instances.listTasks({ limit: 5 });

        expect(first.items).to.have.length(2);
        expect(first.nextCursor).to.equal(null);
        expect(exact.nextCursor).to.equal(null);
      });

      it('should page 50 tasks by default and at most 500', async function () {
        await createInstance({}, (instance) => ({
          tasks: Array.from({ length: 505 }, (_, i) => makeTask(instance, { dueAt: at(i) })),
        }));

        const byDefault = await store.instances.listTasks({});
        const tooMany = await store.instances.listTasks({ limit: 10_000 });
        const rest = await store.instances.listTasks({ limit: 10_000, cursor: tooMany.nextCursor ?? undefined });

        expect(byDefault.items).to.have.length(50);
        expect(byDefault.nextCursor).to.be.a('string');
        expect(tooMany.items).to.have.length(500);
        expect(rest.items).to.have.length(5);
        expect(rest.nextCursor).to.equal(null);
      });

      it('should reject an unreadable cursor with BadRequestError', async function () {
        for (const cursor of ['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), '%%%']) {
          const error = await rejection(store.instances.listTasks({ cursor }));
          expect(error, cursor).to.be.instanceOf(BadRequestError);
        }
      });
    });

    describe('instances: list', function () {
      it('should filter by definition key and version, status, business key and incidents', async function () {
        const incident = { id: 'inc-1', elementId: 'send', message: 'failed', at: T0 };
        const a = await createInstance({ definitionKey: 'melding', definitionVersion: 1, businessKey: 'BK-1' });
        const b = await createInstance({ definitionKey: 'melding', definitionVersion: 2, status: 'completed' });
        const c = await createInstance({ definitionKey: 'zorg', status: 'incident', incidents: [incident] });
        const d = await createInstance({ definitionKey: 'zorg', businessKey: 'BK-1', incidents: [incident] });
        const list = async (query: Parameters<Store['instances']['list']>[0]) =>
          ids((await store.instances.list(query)).items);

        expect(await list({})).to.have.members(ids([a, b, c, d].map((w) => w.instance)));
        expect(await list({ definitionKey: 'melding' })).to.have.members([a.instance.id, b.instance.id]);
        expect(await list({ definitionKey: 'melding', definitionVersion: 2 })).to.deep.equal([b.instance.id]);
        expect(await list({ status: 'completed' })).to.deep.equal([b.instance.id]);
        expect(await list({ businessKey: 'BK-1' })).to.have.members([a.instance.id, d.instance.id]);
        expect(await list({ withIncidents: true })).to.have.members([c.instance.id, d.instance.id]);
        expect(await list({ withIncidents: true, status: 'active' })).to.deep.equal([d.instance.id]);
        expect(await list({ status: 'cancelled' })).to.deep.equal([]);
      });

      it('should list newest first and page through without duplicates or gaps', async function () {
        const started = [at(5), at(1), at(3), at(1), at(5)];
        const created: InstanceRecord[] = [];
        for (let i = 0; i < 23; i++) {
          const write = await createInstance({ startedAt: started[i % started.length], definitionKey: i % 3 ? 'melding' : 'zorg' });
          created.push(write.instance);
        }
        const expected = [...created].sort(byInstanceOrder);

        const { items, sizes } = await allPages((cursor) => store.instances.list({ limit: 5, cursor }));

        expect(sizes).to.deep.equal([5, 5, 5, 5, 3]);
        expect(items).to.deep.equal(expected);

        const melding = await allPages((cursor) => store.instances.list({ definitionKey: 'melding', limit: 4, cursor }));
        expect(ids(melding.items)).to.deep.equal(ids(expected.filter((i) => i.definitionKey === 'melding')));
      });

      it('should continue after the cursor when newer instances start between pages', async function () {
        const created: string[] = [];
        for (let i = 0; i < 6; i++) created.push((await createInstance({ startedAt: at(i) })).instance.id);

        const first = await store.instances.list({ limit: 3 });
        await createInstance({ startedAt: at(100) });
        const second = await store.instances.list({ limit: 3, cursor: first.nextCursor ?? undefined });

        expect([...ids(first.items), ...ids(second.items)]).to.deep.equal([...created].reverse());
        expect(second.nextCursor).to.equal(null);
      });

      it('should page 50 instances by default and clamp the limit', async function () {
        for (let i = 0; i < 52; i++) await createInstance({ startedAt: at(i) });

        const byDefault = await store.instances.list({});
        const tiny = await store.instances.list({ limit: 0 });

        expect(byDefault.items).to.have.length(50);
        expect(byDefault.nextCursor).to.be.a('string');
        expect(tiny.items).to.have.length(1);
      });

      it('should reject an unreadable cursor with BadRequestError', async function () {
        const error = await rejection(store.instances.list({ cursor: 'garbage' }));
        expect(error).to.be.instanceOf(BadRequestError);
      });
    });

    describe('instances: element statistics', function () {
      it('should count running instances waiting per element and open incidents, for one version only', async function () {
        const incident = (elementId: string, id = uniqueId('inc')) => ({ id, elementId, message: 'connector failed', at: T0 });
        const v = { definitionKey: 'melding', definitionVersion: 2 };
        // two cases at the triage task, one of them also with its deadline timer there and at a second task
        await createInstance(v, (instance) => ({ tasks: [makeTask(instance, { elementId: 'triage' })], timers: [makeTimer(instance, { elementId: 'triage' })] }));
        await createInstance(v, (instance) => ({ tasks: [makeTask(instance, { elementId: 'triage' }), makeTask(instance, { elementId: 'advies' })] }));
        // one waiting for a message, with an incident at a service task; one with two incidents at the same task
        await createInstance({ ...v, status: 'incident', incidents: [incident('webhook')] }, (instance) => ({
          subscriptions: [makeSubscription(instance, { elementId: 'wacht-op-politie' })],
        }));
        await createInstance({ ...v, status: 'incident', incidents: [incident('webhook'), incident('webhook')] });
        // not counted: closed tasks, ended cases, other versions and other processes
        await createInstance(v, (instance) => ({ tasks: [makeTask(instance, { elementId: 'afronden', state: 'completed', completedAt: at(1), completedBy: 'anna' })] }));
        await createInstance({ ...v, status: 'completed', endedAt: at(2) }, (instance) => ({ tasks: [makeTask(instance, { elementId: 'triage', state: 'cancelled' })] }));
        await createInstance({ ...v, status: 'cancelled', endedAt: at(2), incidents: [incident('webhook')] });
        await createInstance({ definitionKey: 'melding', definitionVersion: 1 }, (instance) => ({ tasks: [makeTask(instance, { elementId: 'triage' })] }));
        await createInstance({ definitionKey: 'zorg', definitionVersion: 2 }, (instance) => ({ tasks: [makeTask(instance, { elementId: 'triage' })] }));

        expect(await store.instances.elementStatistics('melding', 2)).to.deep.equal([
          { elementId: 'advies', active: 1, incidents: 0 },
          { elementId: 'triage', active: 2, incidents: 0 },
          { elementId: 'wacht-op-politie', active: 1, incidents: 0 },
          { elementId: 'webhook', active: 0, incidents: 3 },
        ]);
        expect(await store.instances.elementStatistics('melding', 1)).to.deep.equal([{ elementId: 'triage', active: 1, incidents: 0 }]);
        expect(await store.instances.elementStatistics('melding', 3)).to.deep.equal([]);
        expect(await store.instances.elementStatistics('onbekend', 1)).to.deep.equal([]);
      });

      it('should follow saves: a completed task no longer counts, a resolved incident neither', async function () {
        const write = await createInstance({ definitionKey: 'melding', status: 'incident', incidents: [{ id: 'inc-1', elementId: 'webhook', message: 'down', at: T0 }] }, (instance) => ({
          tasks: [makeTask(instance, { elementId: 'triage' })],
        }));
        expect(await store.instances.elementStatistics('melding', 1)).to.deep.equal([
          { elementId: 'triage', active: 1, incidents: 0 },
          { elementId: 'webhook', active: 0, incidents: 1 },
        ]);
        const next = { ...nextRevision(write.instance), status: 'active' as const, incidents: [] };
        await store.instances.save(makeWrite(next, { tasks: [{ ...write.tasks[0], state: 'completed', completedAt: at(1), completedBy: 'anna' }] }), 1);

        expect(await store.instances.elementStatistics('melding', 1)).to.deep.equal([]);
      });
    });

    // ------------------------------------------------------------ messages and history

    describe('subscriptions', function () {
      it('should find subscriptions by message name and correlation key, null matching null only', async function () {
        const write = await createInstance({}, (instance) => ({
          subscriptions: [
            makeSubscription(instance, { messageName: 'Terugkoppeling', correlationKey: 'PL-1' }),
            makeSubscription(instance, { messageName: 'Terugkoppeling', correlationKey: 'PL-2' }),
            makeSubscription(instance, { messageName: 'Terugkoppeling', correlationKey: null }),
            makeSubscription(instance, { messageName: 'Zorgmelding', correlationKey: 'PL-1' }),
          ],
        }));
        const other = await createInstance({}, (instance) => ({
          subscriptions: [makeSubscription(instance, { messageName: 'Terugkoppeling', correlationKey: 'PL-1', createdAt: at(1) })],
        }));
        const [pl1, , none, zorg] = write.subscriptions;

        expect(await store.instances.findSubscriptions('Terugkoppeling', 'PL-1')).to.deep.equal([pl1, other.subscriptions[0]]);
        expect(await store.instances.findSubscriptions('Terugkoppeling', null)).to.deep.equal([none]);
        expect(await store.instances.findSubscriptions('Zorgmelding', 'PL-1')).to.deep.equal([zorg]);
        expect(await store.instances.findSubscriptions('Zorgmelding', null)).to.deep.equal([]);
        expect(await store.instances.findSubscriptions('Unknown', 'PL-1')).to.deep.equal([]);
        expect(await store.instances.subscriptionsOfInstance(write.instance.id)).to.have.deep.members(write.subscriptions);
      });
    });

    describe('history', function () {
      it('should append events in order with increasing seq, per instance', async function () {
        const a = await createInstance({}, (instance) => ({
          history: [makeEvent(instance, { type: 'started' }), makeEvent(instance, { type: 'task-created', data: { taskId: 't1' } })],
        }));
        const b = await createInstance({}, (instance) => ({ history: [makeEvent(instance, { type: 'started' })] }));
        const next = nextRevision(a.instance);
        await store.instances.save(
          makeWrite(next, {
            history: [
              makeEvent(next, { type: 'task-completed', actor: 'anna', data: { nested: { list: [1, 2] } } }),
              makeEvent(next, { type: 'completed', actor: null }),
            ],
          }),
          1,
        );

        const history = await store.instances.history(a.instance.id);

        expect(history.map((e) => e.type)).to.deep.equal(['started', 'task-created', 'task-completed', 'completed']);
        const seqs = history.map((e) => e.seq);
        expect(seqs).to.deep.equal([...seqs].sort((x, y) => x - y));
        expect(new Set(seqs).size).to.equal(4);
        expect(history[0]).not.to.have.property('data');
        expect(history[1].data).to.deep.equal({ taskId: 't1' });
        expect(history[2]).to.deep.include({ actor: 'anna', data: { nested: { list: [1, 2] } } });
        expect(history[3].actor).to.equal(null);
        expect((await store.instances.history(b.instance.id)).map((e) => e.type)).to.deep.equal(['started']);
      });
    });

    // ------------------------------------------------------------ timers

    describe('timers', function () {
      it('should return due timers with a free or expired lease, oldest first, up to the limit', async function () {
        const write = await createInstance({}, (instance) => ({
          timers: [
            makeTimer(instance, { elementId: 'later', dueAt: at(30) }),
            makeTimer(instance, { elementId: 'first', dueAt: at(10) }),
            makeTimer(instance, { elementId: 'exactly-now', dueAt: at(20) }),
            makeTimer(instance, { elementId: 'leased', dueAt: at(5), leaseOwner: 'node-1', leaseUntil: at(25) }),
            makeTimer(instance, { elementId: 'expired', dueAt: at(15), leaseOwner: 'node-1', leaseUntil: at(19) }),
          ],
        }));
        await store.timers.replaceStartTimers('morning', [makeStartTimer('morning', { elementId: 'start', dueAt: at(12) })]);
        const element = (timers: TimerRecord[]) => timers.map((t) => t.elementId);

        expect(element(await store.timers.due(at(20), 10))).to.deep.equal(['first', 'start', 'expired', 'exactly-now']);
        expect(element(await store.timers.due(at(20), 2))).to.deep.equal(['first', 'start']);
        expect(element(await store.timers.due(at(25), 10))).to.deep.equal(['leased', 'first', 'start', 'expired', 'exactly-now']);
        expect(await store.timers.due(at(0), 10)).to.deep.equal([]);
        expect((await store.timers.due(at(20), 10))[0]).to.deep.equal(write.timers[1]);
      });

      it('should let exactly one of two owners claim a timer', async function () {
        const write = await createInstance({}, (instance) => ({ timers: [makeTimer(instance, { dueAt: at(1) })] }));
        const [timer] = write.timers;

        const [one, two] = await Promise.all([
          store.timers.claim(timer.id, 'node-1', at(2), at(3)),
          store.timers.claim(timer.id, 'node-2', at(2), at(3)),
        ]);

        const winners = [one, two].filter((c) => c !== null);
        expect(winners).to.have.length(1);
        const winner = winners[0] as TimerRecord;
        expect(winner).to.deep.equal({ ...timer, leaseOwner: winner.leaseOwner, leaseUntil: at(3) });
        expect(winner.leaseOwner).to.be.oneOf(['node-1', 'node-2']);
        expect(await store.instances.timersOfInstance(write.instance.id)).to.deep.equal([winner]);
        expect(await store.timers.due(at(2), 10)).to.deep.equal([]);
      });

      it('should let another owner take over an expired lease, and the holder renew a live one', async function () {
        const write = await createInstance({}, (instance) => ({ timers: [makeTimer(instance, { dueAt: at(1) })] }));
        const [timer] = write.timers;
        await store.timers.claim(timer.id, 'node-1', at(2), at(3));

        expect(await store.timers.claim(timer.id, 'node-2', at(2.5), at(4))).to.equal(null);
        const renewed = await store.timers.claim(timer.id, 'node-1', at(2.5), at(4));
        expect(renewed?.leaseUntil).to.equal(at(4));
        expect(await store.timers.claim(timer.id, 'node-2', at(3.5), at(5))).to.equal(null);

        const takeover = await store.timers.claim(timer.id, 'node-2', at(4), at(6));

        expect(takeover).to.deep.include({ leaseOwner: 'node-2', leaseUntil: at(6) });
        expect(await store.timers.claim(timer.id, 'node-1', at(5), at(7))).to.equal(null);
      });

      it('should answer null when claiming a timer that does not exist', async function () {
        expect(await store.timers.claim('gone', 'node-1', at(0), at(1))).to.equal(null);
      });

      it('should release a lease only for its owner', async function () {
        const write = await createInstance({}, (instance) => ({ timers: [makeTimer(instance, { dueAt: at(1) })] }));
        const [timer] = write.timers;
        await store.timers.claim(timer.id, 'node-1', at(2), at(10));

        await store.timers.release(timer.id, 'node-2');
        expect(await store.timers.due(at(3), 10)).to.deep.equal([]);

        await store.timers.release(timer.id, 'node-1');
        expect(await store.timers.due(at(3), 10)).to.deep.equal([timer]);
        expect(await store.timers.claim(timer.id, 'node-2', at(3), at(4))).to.deep.include({ leaseOwner: 'node-2' });
        await store.timers.release('gone', 'node-1');
      });

      it('should replace the start timers of one definition key only', async function () {
        const instanceTimer = (await createInstance({ definitionKey: 'morning' }, (instance) => ({ timers: [makeTimer(instance)] })))
          .timers[0];
        const old = makeStartTimer('morning', { dueAt: at(10) });
        const otherKey = makeStartTimer('evening', { dueAt: at(20) });
        await store.timers.replaceStartTimers('morning', [old]);
        await store.timers.replaceStartTimers('evening', [otherKey]);

        const later = makeStartTimer('morning', { definitionVersion: 2, dueAt: at(40) });
        const sooner = makeStartTimer('morning', { definitionVersion: 2, dueAt: at(30) });
        await store.timers.replaceStartTimers('morning', [later, sooner]);

        expect(await store.timers.startTimers('morning')).to.deep.equal([sooner, later]);
        expect(await store.timers.startTimers('evening')).to.deep.equal([otherKey]);
        expect(await store.instances.timersOfInstance(instanceTimer.instanceId as string)).to.deep.equal([instanceTimer]);

        await store.timers.replaceStartTimers('morning', []);
        expect(await store.timers.startTimers('morning')).to.deep.equal([]);
        expect(await store.timers.startTimers('unknown')).to.deep.equal([]);
      });

      it('should reschedule a start timer for its lease holder and free the lease', async function () {
        const timer = makeStartTimer('morning', { dueAt: at(10), repetitionsLeft: 3 });
        await store.timers.replaceStartTimers('morning', [timer]);
        await store.timers.claim(timer.id, 'node-1', at(10), at(11));

        await store.timers.rescheduleStartTimer(timer.id, 'node-1', { ...timer, dueAt: at(70), repetitionsLeft: 2 });

        const expected = { ...timer, dueAt: at(70), repetitionsLeft: 2, leaseOwner: null, leaseUntil: null };
        expect(await store.timers.startTimers('morning')).to.deep.equal([expected]);
        expect(await store.timers.due(at(70), 10)).to.deep.equal([expected]);
      });

      it('should delete a start timer rescheduled to nothing', async function () {
        const timer = makeStartTimer('morning');
        await store.timers.replaceStartTimers('morning', [timer]);
        await store.timers.claim(timer.id, 'node-1', at(60), at(61));

        await store.timers.rescheduleStartTimer(timer.id, 'node-1', null);

        expect(await store.timers.startTimers('morning')).to.deep.equal([]);
        expect(await store.timers.nextDueAt()).to.equal(null);
      });

      it('should refuse to reschedule a start timer without holding its lease', async function () {
        const timer = makeStartTimer('morning', { dueAt: at(10) });
        await store.timers.replaceStartTimers('morning', [timer]);

        const unclaimed = await rejection(store.timers.rescheduleStartTimer(timer.id, 'node-1', null));
        await store.timers.claim(timer.id, 'node-2', at(10), at(11));
        const otherOwner = await rejection(
          store.timers.rescheduleStartTimer(timer.id, 'node-1', { ...timer, dueAt: at(99) }),
        );

        expect(unclaimed).to.be.instanceOf(ConflictError);
        expect(otherOwner).to.be.instanceOf(ConflictError);
        expect(await store.timers.startTimers('morning')).to.deep.equal([
          { ...timer, leaseOwner: 'node-2', leaseUntil: at(11) },
        ]);
      });

      it('should answer the earliest time a timer can be claimed', async function () {
        expect(await store.timers.nextDueAt()).to.equal(null);
        const write = await createInstance({}, (instance) => ({
          timers: [makeTimer(instance, { dueAt: at(30) }), makeTimer(instance, { dueAt: at(20) })],
        }));
        expect(await store.timers.nextDueAt()).to.equal(at(20));

        await store.timers.replaceStartTimers('morning', [makeStartTimer('morning', { dueAt: at(15) })]);
        expect(await store.timers.nextDueAt()).to.equal(at(15));

        // A leased timer can be claimed again only when its lease ends.
        const [, twenty] = write.timers;
        const [startTimer] = await store.timers.startTimers('morning');
        await store.timers.claim(startTimer.id, 'node-1', at(15), at(25));
        expect(await store.timers.nextDueAt()).to.equal(at(20));
        await store.timers.claim(twenty.id, 'node-1', at(20), at(40));
        expect(await store.timers.nextDueAt()).to.equal(at(25));
      });
    });

    // ------------------------------------------------------------ outbox (hand-overs)

    describe('outbox', function () {
      /** A sender instance that threw the given messages (at least one) in its create. */
      async function sendMessages(...overrides: Partial<OutboxRecord>[]) {
        const all = overrides.length ? overrides : [{}];
        return createInstance({}, (instance) => ({ outbox: all.map((o) => makeOutbox(instance, o)) }));
      }

      it('should keep the messages a write throws as pending', async function () {
        const sender = await sendMessages({ messageName: 'Zorgmelding' });
        const [message] = sender.outbox!;

        expect(await store.outbox.get(message.id)).to.deep.equal(pendingOutbox(message));
        expect(await store.outbox.get('unknown')).to.equal(null);
      });

      it('should insert messages thrown by a save, and none of a save that lost its race', async function () {
        const sender = await sendMessages();
        const next = nextRevision(sender.instance);
        const thrown = makeOutbox(next, { messageName: 'Terugkoppeling' });
        await store.instances.save(makeWrite(next, { outbox: [thrown] }), 1);
        const stale = makeOutbox(next, { messageName: 'Stale' });

        const error = await rejection(store.instances.save(makeWrite(nextRevision(sender.instance), { outbox: [stale] }), 1));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.outbox.get(thrown.id)).to.deep.equal(pendingOutbox(thrown));
        expect(await store.outbox.get(stale.id)).to.equal(null);
      });

      it('should let a receiving write consume a pending message exactly once', async function () {
        const sender = await sendMessages();
        const [message] = sender.outbox!;
        const receiver = await createInstance();
        const first = nextRevision(receiver.instance, { updatedAt: at(5) });

        await store.instances.save(
          makeWrite(first, { consumesOutbox: message.id, history: [makeEvent(first, { type: 'message-correlated' })] }),
          1,
        );
        const again = nextRevision(first, { variables: { again: true } });
        const error = await rejection(
          store.instances.save(makeWrite(again, { consumesOutbox: message.id, history: [makeEvent(again, { type: 'again' })] }), 2),
        );

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.instances.get(receiver.instance.id)).to.deep.equal(first);
        expect((await store.instances.history(receiver.instance.id)).map((e) => e.type)).to.deep.equal(['message-correlated']);
        expect(await store.outbox.get(message.id)).to.deep.equal({
          ...pendingOutbox(message),
          state: 'delivered',
          deliveredAt: at(5),
          deliveredTo: [receiver.instance.id],
        });
        expect(await store.outbox.due(at(100), 10)).to.deep.equal([]);
      });

      it('should write nothing of a consuming save that lost its revision race, and leave the message pending', async function () {
        const sender = await sendMessages();
        const [message] = sender.outbox!;
        const receiver = await createInstance();
        await store.instances.save(makeWrite(nextRevision(receiver.instance)), 1);

        const error = await rejection(
          store.instances.save(makeWrite(nextRevision(receiver.instance), { consumesOutbox: message.id }), 1),
        );

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.outbox.get(message.id)).to.deep.equal(pendingOutbox(message));
      });

      it('should refuse a create that consumes a message no longer pending, and create nothing', async function () {
        const sender = await sendMessages();
        const [message] = sender.outbox!;
        const started = makeInstance({ updatedAt: at(1) });
        await store.instances.create(makeWrite(started, { consumesOutbox: message.id }));
        const duplicate = makeInstance();

        const consumed = await rejection(store.instances.create(makeWrite(duplicate, { consumesOutbox: message.id })));
        const unknown = await rejection(store.instances.create(makeWrite(makeInstance(), { consumesOutbox: 'unknown' })));

        expect(consumed).to.be.instanceOf(ConflictError);
        expect(unknown).to.be.instanceOf(ConflictError);
        expect(await store.instances.get(duplicate.id)).to.equal(null);
        expect(await store.outbox.get(message.id)).to.deep.include({ state: 'delivered', deliveredTo: [started.id] });
      });

      it('should return due pending messages with a free or expired lease, oldest first', async function () {
        const sender = await sendMessages(
          { messageName: 'later', dueAt: at(30) },
          { messageName: 'first', dueAt: at(10) },
          { messageName: 'leased', dueAt: at(5), leaseOwner: 'node-1', leaseUntil: at(25) },
          { messageName: 'expired', dueAt: at(15), leaseOwner: 'node-1', leaseUntil: at(19) },
          { messageName: 'consumed', dueAt: at(1) },
        );
        const consumer = nextRevision(sender.instance);
        await store.instances.save(makeWrite(consumer, { consumesOutbox: sender.outbox![4].id }), 1);
        const names = (messages: { messageName: string }[]) => messages.map((m) => m.messageName);

        expect(names(await store.outbox.due(at(20), 10))).to.deep.equal(['first', 'expired']);
        expect(names(await store.outbox.due(at(30), 10))).to.deep.equal(['leased', 'first', 'expired', 'later']);
        expect(names(await store.outbox.due(at(30), 1))).to.deep.equal(['leased']);
        expect(await store.outbox.due(at(0), 10)).to.deep.equal([]);
      });

      it('should let exactly one of two owners claim a message, and another take over an expired lease', async function () {
        const sender = await sendMessages({ dueAt: at(1) });
        const [message] = sender.outbox!;

        const claims = await Promise.all([
          store.outbox.claim(message.id, 'node-1', at(2), at(3)),
          store.outbox.claim(message.id, 'node-2', at(2), at(3)),
        ]);

        const winners = claims.filter((c) => c !== null);
        expect(winners).to.have.length(1);
        expect(winners[0]).to.deep.include({ leaseUntil: at(3), state: 'pending' });
        const loser = winners[0]!.leaseOwner === 'node-1' ? 'node-2' : 'node-1';
        expect(await store.outbox.claim(message.id, loser, at(2.5), at(4))).to.equal(null);
        expect(await store.outbox.claim(message.id, loser, at(3), at(4))).to.deep.include({ leaseOwner: loser });
        expect(await store.outbox.claim('unknown', 'node-1', at(3), at(4))).to.equal(null);
      });

      it('should not let anyone claim a delivered message', async function () {
        const sender = await sendMessages();
        const [message] = sender.outbox!;
        await store.instances.create(makeWrite(makeInstance(), { consumesOutbox: message.id }));

        expect(await store.outbox.claim(message.id, 'node-1', at(2), at(3))).to.equal(null);
      });

      it('should record the delivery targets, keep the first delivery time and free the lease', async function () {
        const sender = await sendMessages({ dueAt: at(1) });
        const [message] = sender.outbox!;
        await store.outbox.claim(message.id, 'node-1', at(2), at(3));
        const receiver = makeInstance({ updatedAt: at(2) });
        await store.instances.create(makeWrite(receiver, { consumesOutbox: message.id }));

        await store.outbox.markDelivered(message.id, 'node-1', at(4), [receiver.id, 'other-instance']);

        expect(await store.outbox.get(message.id)).to.deep.equal({
          ...message,
          leaseOwner: null,
          leaseUntil: null,
          state: 'delivered',
          deliveredAt: at(2),
          deliveredTo: [receiver.id, 'other-instance'],
        });
      });

      it('should mark a message delivered that no write consumed', async function () {
        const sender = await sendMessages({ dueAt: at(1) });
        const [message] = sender.outbox!;
        await store.outbox.claim(message.id, 'node-1', at(2), at(3));

        await store.outbox.markDelivered(message.id, 'node-1', at(4), ['started-instance']);

        expect(await store.outbox.get(message.id)).to.deep.include({
          state: 'delivered',
          deliveredAt: at(4),
          deliveredTo: ['started-instance'],
          leaseOwner: null,
        });
        expect(await store.outbox.due(at(10), 10)).to.deep.equal([]);
      });

      it('should count a failed attempt, free the lease and set the next attempt, for the lease holder only', async function () {
        const sender = await sendMessages({ dueAt: at(1) });
        const [message] = sender.outbox!;
        await store.outbox.claim(message.id, 'node-1', at(2), at(3));

        await store.outbox.retryLater(message.id, 'node-2', at(50), 'not mine');
        expect(await store.outbox.get(message.id)).to.deep.include({ attempts: 0, lastError: null, leaseOwner: 'node-1' });

        await store.outbox.retryLater(message.id, 'node-1', at(10), 'no instance waits for it');

        expect(await store.outbox.get(message.id)).to.deep.equal(
          pendingOutbox({ ...message, attempts: 1, lastError: 'no instance waits for it', dueAt: at(10) }),
        );
        expect(await store.outbox.due(at(9), 10)).to.deep.equal([]);
        expect(ids(await store.outbox.due(at(10), 10))).to.deep.equal([message.id]);
      });

      it('should list messages newest first with filters and pagination', async function () {
        const messages: OutboxRecord[] = [];
        for (let i = 0; i < 7; i++) {
          const sender = await sendMessages({ createdAt: at(i % 4), messageName: i % 2 ? 'Zorgmelding' : 'Terugkoppeling' });
          messages.push(...sender.outbox!);
        }
        const consumer = nextRevision(makeInstance());
        await store.instances.create(makeWrite({ ...consumer, revision: 1 }, { consumesOutbox: messages[0].id }));
        const byNewest = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }) =>
          a.createdAt !== b.createdAt ? (a.createdAt > b.createdAt ? -1 : 1) : a.id > b.id ? -1 : 1;
        const expected = [...messages].sort(byNewest);

        const all = await allPages((cursor) => store.outbox.list({ limit: 3, cursor }));
        const zorg = await allPages((cursor) => store.outbox.list({ messageName: 'Zorgmelding', limit: 2, cursor }));
        const pending = await store.outbox.list({ state: 'pending' });
        const delivered = await store.outbox.list({ state: 'delivered' });
        const ofSender = await store.outbox.list({ sourceInstanceId: messages[3].sourceInstanceId });

        expect(all.sizes).to.deep.equal([3, 3, 1]);
        expect(ids(all.items)).to.deep.equal(ids(expected));
        expect(ids(zorg.items)).to.deep.equal(ids(expected.filter((m) => m.messageName === 'Zorgmelding')));
        expect(ids(pending.items)).to.deep.equal(ids(expected.filter((m) => m.id !== messages[0].id)));
        expect(ids(delivered.items)).to.deep.equal([messages[0].id]);
        expect(ids(ofSender.items)).to.deep.equal([messages[3].id]);
        expect(await rejection(store.outbox.list({ cursor: 'garbage' }))).to.be.instanceOf(BadRequestError);
      });

      it('should refuse a write whose thrown message names another sender', async function () {
        const instance = makeInstance();

        const error = await rejection(store.instances.create(makeWrite(instance, { outbox: [makeOutbox(makeInstance())] })));

        expect(error).to.be.instanceOf(Error);
        expect(error).not.to.be.instanceOf(ConflictError);
        expect(await store.instances.get(instance.id)).to.equal(null);
      });
    });

    // ------------------------------------------------------------ users and tokens

    describe('users', function () {
      it('should return a user by id, and null for an unknown one', async function () {
        const user = makeUser({ id: 'vt-triagist' });
        const external = makeUser({ id: 'oidc-user', passwordHash: null, organisation: null, groups: [] });
        await store.users.putUser(user);
        await store.users.putUser(external);

        expect(await store.users.getUser('vt-triagist')).to.deep.equal(user);
        expect(await store.users.getUser('oidc-user')).to.deep.equal(external);
        expect(await store.users.getUser('nobody')).to.equal(null);
      });

      it('should replace a user with the same id', async function () {
        const user = makeUser({ id: 'vt-triagist' });
        await store.users.putUser(user);
        const replaced = { ...user, name: 'Renamed', roles: ['auditor'], groups: [], disabled: true, passwordHash: null };

        await store.users.putUser(replaced);

        expect(await store.users.getUser('vt-triagist')).to.deep.equal(replaced);
        expect(await store.users.listUsers()).to.deep.equal([replaced]);
      });

      it('should list users sorted by id', async function () {
        expect(await store.users.listUsers()).to.deep.equal([]);
        const zoe = makeUser({ id: 'zoe' });
        const anna = makeUser({ id: 'anna' });
        const bram = makeUser({ id: 'bram', disabled: true });
        for (const user of [zoe, anna, bram]) await store.users.putUser(user);

        expect(await store.users.listUsers()).to.deep.equal([anna, bram, zoe]);
      });
    });

    describe('tokens', function () {
      it('should return a token by its hash, and null once deleted or unknown', async function () {
        const token = makeToken({ userId: 'vt-triagist' });
        const other = makeToken({ userId: 'vt-triagist' });
        await store.users.addToken(token);
        await store.users.addToken(other);

        expect(await store.users.getToken(token.hash)).to.deep.equal(token);
        await store.users.deleteToken(token.hash);
        await store.users.deleteToken('unknown');

        expect(await store.users.getToken(token.hash)).to.equal(null);
        expect(await store.users.getToken(other.hash)).to.deep.equal(other);
        expect(await store.users.getToken('unknown')).to.equal(null);
      });

      it('should reject a token whose hash exists with ConflictError and keep the first', async function () {
        const token = makeToken({ userId: 'first' });
        await store.users.addToken(token);

        const error = await rejection(store.users.addToken({ ...token, userId: 'second' }));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.users.getToken(token.hash)).to.deep.equal(token);
      });

      it('should delete only the tokens that expired before now, and count them', async function () {
        const expired = makeToken({ expiresAt: at(10) });
        const expiredEarlier = makeToken({ expiresAt: at(5) });
        const expiringNow = makeToken({ expiresAt: at(20) });
        const live = makeToken({ expiresAt: at(30) });
        for (const token of [expired, expiredEarlier, expiringNow, live]) await store.users.addToken(token);

        const removed = await store.users.deleteExpiredTokens(at(20));

        expect(removed).to.equal(2);
        expect(await store.users.getToken(expired.hash)).to.equal(null);
        expect(await store.users.getToken(expiredEarlier.hash)).to.equal(null);
        expect(await store.users.getToken(expiringNow.hash)).to.deep.equal(expiringNow);
        expect(await store.users.getToken(live.hash)).to.deep.equal(live);
        expect(await store.users.deleteExpiredTokens(at(20))).to.equal(0);
      });
    });

    // ------------------------------------------------------------ audit log

    describe('audit log', function () {
      it('should chain appended entries: seq from 1, prevHash of the first is empty, each links to the one before', async function () {
        const inputs = [
          makeAuditEntry({ action: 'session.create', instanceId: null, resource: 'session/vt-triagist' }),
          makeAuditEntry({ action: 'instance.read' }),
          makeAuditEntry({ action: 'task.complete', outcome: 'denied', details: undefined }),
        ];

        const appended: AuditEntry[] = [];
        for (const input of inputs) appended.push(await store.audit.append(input, auditHash));

        expect(appended.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
        expect(appended[0].prevHash).to.equal('');
        expect(appended[1].prevHash).to.equal(appended[0].hash);
        expect(appended[2].prevHash).to.equal(appended[1].hash);
        appended.forEach((entry, i) => {
          const { details, ...rest } = inputs[i];
          expect(entry).to.deep.equal({
            ...rest,
            ...(details === undefined ? {} : { details }),
            seq: i + 1,
            prevHash: i === 0 ? '' : appended[i - 1].hash,
            hash: auditHash(entry.prevHash, i + 1, auditInputOf(entry)),
          });
        });
        expect(appended[2]).not.to.have.property('details');
        expect(await store.audit.scan(0, 10)).to.deep.equal(appended);
      });

      it('should number 20 concurrent appends 1 to 20 without gaps in one chain', async function () {
        const appended = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.audit.append(makeAuditEntry({ actor: `user-${i}` }), auditHash)),
        );

        expect(appended.map((e) => e.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
        const scanned = await store.audit.scan(0, 100);
        expectAuditChain(scanned, 20);
        expect(new Set(scanned.map((e) => e.actor)).size).to.equal(20);
      });

      it('should hash the entry as it is stored, so that the chain can be verified from a scan', async function () {
        const input = makeAuditEntry({ details: { count: 2, skipped: undefined, reasons: ['a', 'b'] } });

        const appended = await store.audit.append(input, auditHash);

        expect(appended.details).to.deep.equal({ count: 2, reasons: ['a', 'b'] });
        const [scanned] = await store.audit.scan(0, 1);
        expect(scanned).to.deep.equal(appended);
        expect(auditHash(scanned.prevHash, scanned.seq, auditInputOf(scanned))).to.equal(scanned.hash);
      });

      it('should append nothing and leave no gap when the hash function fails', async function () {
        await store.audit.append(makeAuditEntry(), auditHash);

        const error = await rejection(
          store.audit.append(makeAuditEntry({ action: 'broken' }), () => {
            throw new Error('hash failed');
          }),
        );
        const next = await store.audit.append(makeAuditEntry({ action: 'next' }), auditHash);

        expect((error as Error).message).to.equal('hash failed');
        expect(next.seq).to.equal(2);
        expect((await store.audit.scan(0, 10)).map((e) => e.action)).to.deep.equal(['instance.read', 'next']);
      });

      it('should list entries newest first with filters on case, actor and time, and pagination', async function () {
        const appended: AuditEntry[] = [];
        for (let i = 0; i < 9; i++) {
          appended.push(
            await store.audit.append(
              makeAuditEntry({
                at: at(i),
                actor: i % 3 === 0 ? 'auditor' : 'vt-triagist',
                instanceId: i % 2 === 0 ? 'case-even' : 'case-odd',
              }),
              auditHash,
            ),
          );
        }
        const newest = [...appended].reverse();
        const seqs = (entries: { seq: number }[]) => entries.map((e) => e.seq);

        const all = await allPages((cursor) => store.audit.list({ limit: 4, cursor }));
        const even = await allPages((cursor) => store.audit.list({ instanceId: 'case-even', limit: 2, cursor }));
        const auditor = await store.audit.list({ actor: 'auditor' });
        const window = await store.audit.list({ from: at(2), to: at(5) });
        const combined = await store.audit.list({ instanceId: 'case-odd', actor: 'vt-triagist', from: at(2) });
        const none = await store.audit.list({ actor: 'nobody' });

        expect(all.sizes).to.deep.equal([4, 4, 1]);
        expect(all.items).to.deep.equal(newest);
        expect(seqs(even.items)).to.deep.equal([9, 7, 5, 3, 1]);
        expect(seqs(auditor.items)).to.deep.equal([7, 4, 1]);
        expect(seqs(window.items)).to.deep.equal([6, 5, 4, 3]);
        expect(seqs(combined.items)).to.deep.equal([8, 6]);
        expect(none).to.deep.equal({ items: [], nextCursor: null });
        expect(await rejection(store.audit.list({ cursor: 'garbage' }))).to.be.instanceOf(BadRequestError);
      });

      it('should scan entries after a seq in ascending order, up to the limit', async function () {
        for (let i = 0; i < 5; i++) await store.audit.append(makeAuditEntry({ action: `action-${i}` }), auditHash);

        expect((await store.audit.scan(0, 2)).map((e) => e.seq)).to.deep.equal([1, 2]);
        expect((await store.audit.scan(2, 10)).map((e) => e.seq)).to.deep.equal([3, 4, 5]);
        expect(await store.audit.scan(5, 10)).to.deep.equal([]);
        expect(await store.audit.scan(0, 0)).to.deep.equal([]);
        expectAuditChain(await store.audit.scan(0, 10), 5);
      });

      it('should offer no way to change or remove an entry', async function () {
        const input = makeAuditEntry({ details: { fields: 3 } });
        const appended = await store.audit.append(input, auditHash);
        const stored = structuredClone(appended);

        for (const method of ['update', 'replace', 'put', 'set', 'delete', 'remove', 'clear', 'truncate']) {
          expect(store.audit).not.to.respondTo(method);
        }
        appended.actor = 'mutated';
        appended.details!.fields = 99;
        input.actor = 'mutated';
        input.details!.fields = 99;
        const [listed] = (await store.audit.list({})).items;
        listed.hash = 'mutated';

        expect(await store.audit.scan(0, 10)).to.deep.equal([stored]);
      });
    });

    // ------------------------------------------------------------ drafts and comments

    describe('drafts', function () {
      it('should return a draft by key, and null for an unknown key', async function () {
        const draft = makeDraft({ key: 'melding-veilig-thuis' });
        await store.drafts.put(draft);

        expect(await store.drafts.get('melding-veilig-thuis')).to.deep.equal(draft);
        expect(await store.drafts.get('unknown')).to.equal(null);
      });

      it('should replace the draft of a key when it is saved again', async function () {
        const draft = makeDraft({ key: 'p' });
        await store.drafts.put(draft);
        const again = { ...draft, xml: '<bpmn:definitions id="again"/>', forms: {}, problems: [], savedAt: at(5), savedBy: 'other' };

        await store.drafts.put(again);

        expect(await store.drafts.get('p')).to.deep.equal(again);
        expect(await store.drafts.list()).to.deep.equal([again]);
      });

      it('should list drafts sorted by key', async function () {
        expect(await store.drafts.list()).to.deep.equal([]);
        const zorg = makeDraft({ key: 'zorg' });
        const melding = makeDraft({ key: 'melding' });
        const straf = makeDraft({ key: 'straf' });
        for (const draft of [zorg, melding, straf]) await store.drafts.put(draft);

        expect(await store.drafts.list()).to.deep.equal([melding, straf, zorg]);
      });

      it('should delete a draft and answer whether there was one', async function () {
        const draft = makeDraft({ key: 'p' });
        const other = makeDraft({ key: 'q' });
        await store.drafts.put(draft);
        await store.drafts.put(other);

        expect(await store.drafts.delete('p')).to.equal(true);
        expect(await store.drafts.delete('p')).to.equal(false);
        expect(await store.drafts.delete('unknown')).to.equal(false);
        expect(await store.drafts.get('p')).to.equal(null);
        expect(await store.drafts.list()).to.deep.equal([other]);
      });
    });

    describe('comments', function () {
      it('should list the comments of an instance oldest first, then by id', async function () {
        const instance = makeInstance();
        const other = makeInstance();
        const later = makeComment(instance, { id: 'c-a', at: at(10), visibleTo: ['veilig-thuis', 'politie'] });
        const sameTimeB = makeComment(instance, { id: 'c-c', at: at(5), taskId: 'task-1' });
        const sameTimeA = makeComment(instance, { id: 'c-b', at: at(5), organisation: null });
        const ofOther = makeComment(other, { id: 'c-d', at: at(1) });
        for (const comment of [later, sameTimeB, ofOther, sameTimeA]) await store.comments.add(comment);

        expect(await store.comments.list(instance.id)).to.deep.equal([sameTimeA, sameTimeB, later]);
        expect(await store.comments.list(other.id)).to.deep.equal([ofOther]);
        expect(await store.comments.list('unknown')).to.deep.equal([]);
      });

      it('should reject a comment whose id exists with ConflictError and keep the first', async function () {
        const comment = makeComment(makeInstance());
        await store.comments.add(comment);

        const error = await rejection(store.comments.add({ ...comment, text: 'second' }));

        expect(error).to.be.instanceOf(ConflictError);
        expect(await store.comments.list(comment.instanceId)).to.deep.equal([comment]);
      });
    });

    // ------------------------------------------------------------ retention

    describe('retention', function () {
      /** Creates an instance that ended (or not) with the given status and end time. */
      async function endedInstance(overrides: Partial<InstanceRecord>): Promise<InstanceRecord> {
        const write = await createInstance({ engineState: null, ...overrides });
        return write.instance;
      }

      it('should find ended, unpurged instances of a key that ended before a time, oldest first', async function () {
        const key = 'melding-veilig-thuis';
        const completed = await endedInstance({ definitionKey: key, status: 'completed', endedAt: at(30) });
        const cancelled = await endedInstance({ definitionKey: key, status: 'cancelled', endedAt: at(10) });
        const earlier = await endedInstance({ definitionKey: key, status: 'completed', endedAt: '2026-01-05T09:20:00+01:00' });
        await endedInstance({ definitionKey: key, status: 'completed', endedAt: at(60) });
        await endedInstance({ definitionKey: key, status: 'completed', endedAt: at(50) });
        await endedInstance({ definitionKey: 'other-key', status: 'completed', endedAt: at(1) });
        await endedInstance({ definitionKey: key, status: 'incident', endedAt: at(1) });
        await createInstance({ definitionKey: key });
        const purged = await endedInstance({ definitionKey: key, status: 'completed', endedAt: at(2) });
        await store.instances.purgeCaseData(purged.id, at(100));

        const found = await store.instances.endedBefore(key, at(50), 10);

        expect(found).to.deep.equal([earlier, cancelled, completed]);
        expect(ids(await store.instances.endedBefore(key, at(50), 2))).to.deep.equal([earlier.id, cancelled.id]);
        expect(await store.instances.endedBefore(key, at(-100), 10)).to.deep.equal([]);
        expect(await store.instances.endedBefore('unknown', at(1000), 10)).to.deep.equal([]);
      });

      it('should remove exactly the case data of an ended instance and keep its skeleton', async function () {
        const created = await createInstance({ businessKey: 'PL-1' }, (instance) => ({
          tasks: [makeTask(instance, { input: { registratienummer: 'PL-1', kind: { naam: 'Sam' } } })],
          history: [makeEvent(instance, { data: { melder: 'politie' } })],
        }));
        const ended = nextRevision(created.instance, { status: 'completed', endedAt: at(20), engineState: null });
        const completedTask: TaskRecord = { ...created.tasks[0], state: 'completed', completedAt: at(20), completedBy: 'vt-triagist' };
        await store.instances.save(
          makeWrite(ended, {
            tasks: [completedTask],
            history: [
              makeEvent(ended, { type: 'task-completed', elementId: 'triage', actor: 'vt-triagist', at: at(20), data: { besluit: 'veilig' } }),
              makeEvent(ended, { type: 'completed', at: at(20), actor: null }),
            ],
          }),
          1,
        );
        const comment = makeComment(ended, { taskId: completedTask.id, visibleTo: ['veilig-thuis'] });
        await store.comments.add(comment);
        const bystander = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance)],
          history: [makeEvent(instance, { data: { melder: 'buren' } })],
        }));
        const bystanderComment = makeComment(bystander.instance);
        await store.comments.add(bystanderComment);
        const historyBefore = await store.instances.history(ended.id);

        await store.instances.purgeCaseData(ended.id, at(100));

        expect(await store.instances.get(ended.id)).to.deep.equal({
          ...ended,
          variables: {},
          engineState: null,
          revision: ended.revision + 1,
          purgedAt: at(100),
        });
        expect(await store.instances.tasksOfInstance(ended.id)).to.deep.equal([{ ...completedTask, input: {} }]);
        expect(await store.instances.history(ended.id)).to.deep.equal(historyBefore.map(({ data, ...event }) => event));
        expect(await store.comments.list(ended.id)).to.deep.equal([{ ...comment, text: '' }]);
        expect(await store.instances.get(bystander.instance.id)).to.deep.equal(bystander.instance);
        expect(await store.instances.tasksOfInstance(bystander.instance.id)).to.deep.equal(bystander.tasks);
        expect((await store.instances.history(bystander.instance.id))[0].data).to.deep.equal({ melder: 'buren' });
        expect(await store.comments.list(bystander.instance.id)).to.deep.equal([bystanderComment]);
      });

      it('should also purge the data of the hand-overs it sent and of its incidents', async function () {
        const created = await createInstance({}, (instance) => ({ outbox: [makeOutbox(instance, { variables: { samenvatting: 'ruzie' } })] }));
        const ended = nextRevision(created.instance, {
          status: 'completed',
          endedAt: at(20),
          engineState: null,
          incidents: [{ id: 'inc-1', elementId: 'bel', message: 'systeem van Sam niet bereikbaar', at: at(10), retry: { variables: { naam: 'Sam' } } }],
        });
        await store.instances.save(makeWrite(ended), 1);

        await store.instances.purgeCaseData(ended.id, at(100));

        const [sent] = (await store.outbox.list({ sourceInstanceId: ended.id })).items;
        expect(sent.variables).to.deep.equal({});
        expect(sent.messageName).to.equal('Zorgmelding');
        const incidents = (await store.instances.get(ended.id))!.incidents;
        expect(incidents).to.have.length(1);
        expect(incidents[0]).to.include({ id: 'inc-1', elementId: 'bel', message: '', at: at(10) });
        expect(incidents[0].retry ?? null).to.equal(null);
      });

      it('should purge idempotently, keeping the first purge time and revision', async function () {
        const ended = await endedInstance({ status: 'cancelled', endedAt: at(5) });
        await store.comments.add(makeComment(ended));
        await store.instances.purgeCaseData(ended.id, at(100));
        const first = {
          instance: await store.instances.get(ended.id),
          history: await store.instances.history(ended.id),
          comments: await store.comments.list(ended.id),
        };

        await store.instances.purgeCaseData(ended.id, at(200));

        expect(first.instance).to.deep.include({ purgedAt: at(100), revision: 2 });
        expect(await store.instances.get(ended.id)).to.deep.equal(first.instance);
        expect(await store.instances.history(ended.id)).to.deep.equal(first.history);
        expect(await store.comments.list(ended.id)).to.deep.equal(first.comments);
      });

      it('should make a save from a read before the purge fail with ConflictError', async function () {
        const ended = await endedInstance({ status: 'completed', endedAt: at(5) });
        await store.instances.purgeCaseData(ended.id, at(100));

        const stale = nextRevision(ended, { variables: { restored: true } });
        const error = await rejection(store.instances.save(makeWrite(stale), 1));

        expect(error).to.be.instanceOf(ConflictError);
        expect((await store.instances.get(ended.id))?.variables).to.deep.equal({});
      });

      it('should refuse to purge an instance that has not ended with ConflictError and change nothing', async function () {
        const running = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance)],
          history: [makeEvent(instance, { data: { melder: 'politie' } })],
        }));
        const comment = makeComment(running.instance);
        await store.comments.add(comment);
        const incident = await createInstance({
          status: 'incident',
          incidents: [{ id: 'inc-1', elementId: 'send-mail', message: 'connector failed', at: at(4) }],
        });
        const history = await store.instances.history(running.instance.id);

        const refusedRunning = await rejection(store.instances.purgeCaseData(running.instance.id, at(100)));
        const refusedIncident = await rejection(store.instances.purgeCaseData(incident.instance.id, at(100)));

        expect(refusedRunning).to.be.instanceOf(ConflictError);
        expect(refusedIncident).to.be.instanceOf(ConflictError);
        expect(await store.instances.get(running.instance.id)).to.deep.equal(running.instance);
        expect(await store.instances.tasksOfInstance(running.instance.id)).to.deep.equal(running.tasks);
        expect(await store.instances.history(running.instance.id)).to.deep.equal(history);
        expect(await store.comments.list(running.instance.id)).to.deep.equal([comment]);
        expect(await store.instances.get(incident.instance.id)).to.deep.equal(incident.instance);
      });

      it('should answer NotFoundError when purging an unknown instance', async function () {
        const error = await rejection(store.instances.purgeCaseData('unknown', at(100)));

        expect(error).to.be.instanceOf(NotFoundError);
      });
    });

    // ------------------------------------------------------------ export and import (store:copy)

    describe('export and import', function () {
      it('should list every form version by form id and version', async function () {
        expect(await store.definitions.listForms()).to.deep.equal([]);
        const b2 = makeForm({ formId: 'b', version: 2 });
        const a1 = makeForm({ formId: 'a', version: 1 });
        const b1 = makeForm({ formId: 'b', version: 1 });
        for (const form of [b2, a1, b1]) await store.definitions.addFormVersion(form);

        expect(await store.definitions.listForms()).to.deep.equal([a1, b1, b2]);
      });

      it('should list every token by hash', async function () {
        expect(await store.users.listTokens()).to.deep.equal([]);
        const tokens = [makeToken({ hash: 'c'.repeat(64) }), makeToken({ hash: 'a'.repeat(64) }), makeToken({ hash: 'b'.repeat(64), expiresAt: at(-10) })];
        for (const token of tokens) await store.users.addToken(token);

        expect(await store.users.listTokens()).to.deep.equal([tokens[1], tokens[2], tokens[0]]);
      });

      it('should page through every comment by id, also those of unknown instances', async function () {
        const instance = makeInstance();
        const comments = ['c-3', 'c-1', 'c-5', 'c-2', 'c-4'].map((id, i) => makeComment(i === 2 ? makeInstance() : instance, { id, at: at(10 - i) }));
        for (const comment of comments) await store.comments.add(comment);

        const { items, sizes } = await allPages((cursor) => store.comments.listAll({ limit: 2, cursor }));

        expect(sizes).to.deep.equal([2, 2, 1]);
        expect(items).to.deep.equal([...comments].sort((a, b) => (a.id < b.id ? -1 : 1)));
        expect(await rejection(store.comments.listAll({ cursor: 'garbage' }))).to.be.instanceOf(BadRequestError);
      });

      it('should restore an instance exactly: revision, purge time, leases, history order and messages with their delivery state', async function () {
        const instance = makeInstance({ revision: 5, status: 'completed', endedAt: at(30), engineState: null, purgedAt: at(40), updatedAt: at(40) });
        const task = makeTask(instance, { state: 'completed', completedAt: at(20), completedBy: 'anna' });
        const timer = makeTimer(instance, { leaseOwner: 'node-1', leaseUntil: at(61) });
        const subscription = makeSubscription(instance);
        const delivered: OutboxRecord = {
          ...makeOutbox(instance, { attempts: 2, lastError: 'no instance waited yet' }),
          state: 'delivered',
          deliveredAt: at(12),
          deliveredTo: ['receiver-1', 'receiver-2'],
        };
        const pending = pendingOutbox(makeOutbox(instance, { messageName: 'Later', dueAt: at(50) }));
        const history = [
          makeEvent(instance, { type: 'started', at: at(0) }),
          makeEvent(instance, { type: 'task-completed', at: at(20), data: { taskId: task.id } }),
          makeEvent(instance, { type: 'completed', at: at(30), actor: null }),
        ];

        await store.instances.restore({ instance, tasks: [task], timers: [timer], subscriptions: [subscription], history, outbox: [delivered, pending] });

        expect(await store.instances.get(instance.id)).to.deep.equal(instance);
        expect(await store.instances.tasksOfInstance(instance.id)).to.deep.equal([task]);
        expect(await store.instances.timersOfInstance(instance.id)).to.deep.equal([timer]);
        expect(await store.instances.subscriptionsOfInstance(instance.id)).to.deep.equal([subscription]);
        const restored = await store.instances.history(instance.id);
        expect(restored.map(({ seq, ...event }) => event)).to.deep.equal(history);
        expect(restored.map((e) => e.seq)).to.deep.equal([...restored.map((e) => e.seq)].sort((x, y) => x - y));
        expect(await store.outbox.get(delivered.id)).to.deep.equal(delivered);
        expect(await store.outbox.get(pending.id)).to.deep.equal(pending);
        expect(ids(await store.outbox.due(at(100), 10))).to.deep.equal([pending.id]);
        expect(await store.instances.endedBefore(instance.definitionKey, at(100), 10)).to.deep.equal([]);

        const next = nextRevision(instance);
        await store.instances.save(makeWrite(next, { timers: [timer], subscriptions: [subscription] }), 5);
        expect((await store.instances.get(instance.id))?.revision).to.equal(6);
      });

      it('should refuse to restore an existing id with ConflictError, and a write that consumes a message', async function () {
        const existing = await createInstance();

        const duplicate = await rejection(store.instances.restore(makeWrite({ ...existing.instance, revision: 3 })));
        const consuming = await rejection(store.instances.restore(makeWrite(makeInstance({ revision: 2 }), { consumesOutbox: 'x' })));

        expect(duplicate).to.be.instanceOf(ConflictError);
        expect(consuming).to.be.instanceOf(Error);
        expect(consuming).not.to.be.instanceOf(ConflictError);
        expect(await store.instances.get(existing.instance.id)).to.deep.equal(existing.instance);
      });
    });

    // ------------------------------------------------------------ durability and copies

    describe('durability', function () {
      it('should keep everything across close and reopen', async function () {
        if (!opened.reopen) this.skip(); // an adapter without a way to reopen its database
        const definition = makeDefinition();
        const form = makeForm();
        await store.definitions.addVersion(definition);
        await store.definitions.addFormVersion(form);
        const write = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance)],
          timers: [makeTimer(instance)],
          subscriptions: [makeSubscription(instance)],
          history: [makeEvent(instance)],
        }));
        const saved = nextRevision(write.instance, { variables: { saved: true } });
        await store.instances.save(makeWrite(saved, { tasks: write.tasks, timers: write.timers, subscriptions: write.subscriptions }), 1);
        const startTimer = makeStartTimer(definition.key);
        await store.timers.replaceStartTimers(definition.key, [startTimer]);
        const claimed = await store.timers.claim(startTimer.id, 'node-1', at(0), at(1));
        const message = makeOutbox(saved);
        const third = nextRevision(saved, { variables: { sent: true } });
        await store.instances.save(makeWrite(third, { tasks: [], timers: write.timers, subscriptions: write.subscriptions, outbox: [{ ...message, sourceInstanceId: third.id }] }), 2);
        const history = await store.instances.history(saved.id);
        await store.close();

        const reopened = await opened.reopen!();

        expect(await reopened.definitions.getLatest(definition.key)).to.deep.equal(definition);
        expect(await reopened.definitions.getLatestForm(form.formId)).to.deep.equal(form);
        expect(await reopened.instances.get(saved.id)).to.deep.equal(third);
        expect(await reopened.outbox.get(message.id)).to.deep.equal(pendingOutbox(message));
        expect(await reopened.instances.tasksOfInstance(saved.id)).to.deep.equal(write.tasks);
        expect(await reopened.instances.timersOfInstance(saved.id)).to.deep.equal(write.timers);
        expect(await reopened.instances.subscriptionsOfInstance(saved.id)).to.deep.equal(write.subscriptions);
        expect(await reopened.instances.history(saved.id)).to.deep.equal(history);
        expect(await reopened.timers.startTimers(definition.key)).to.deep.equal([claimed]);

        const fourth = nextRevision(third);
        await reopened.instances.save(makeWrite(fourth, { history: [makeEvent(fourth, { type: 'after-reopen' })] }), 3);
        const after = await reopened.instances.history(saved.id);
        expect(after[after.length - 1].seq).to.be.greaterThan(history[history.length - 1].seq);
      });

      it('should keep users, tokens, audit entries, drafts, comments and purges across close and reopen', async function () {
        if (!opened.reopen) this.skip(); // an adapter without a way to reopen its database
        const user = makeUser();
        const token = makeToken({ userId: user.id });
        const draft = makeDraft();
        await store.users.putUser(user);
        await store.users.addToken(token);
        await store.drafts.put(draft);
        const ended = (await createInstance({ status: 'completed', endedAt: at(5), engineState: null })).instance;
        const comment = makeComment(ended);
        await store.comments.add(comment);
        await store.instances.purgeCaseData(ended.id, at(10));
        const purged = await store.instances.get(ended.id);
        const first = await store.audit.append(makeAuditEntry(), auditHash);
        await store.close();

        const reopened = await opened.reopen!();

        expect(await reopened.users.getUser(user.id)).to.deep.equal(user);
        expect(await reopened.users.getToken(token.hash)).to.deep.equal(token);
        expect(await reopened.drafts.get(draft.key)).to.deep.equal(draft);
        expect(await reopened.comments.list(ended.id)).to.deep.equal([{ ...comment, text: '' }]);
        expect(await reopened.instances.get(ended.id)).to.deep.equal(purged);
        expect(await reopened.instances.endedBefore(ended.definitionKey, at(100), 10)).to.deep.equal([]);
        const second = await reopened.audit.append(makeAuditEntry({ action: 'after-reopen' }), auditHash);
        expect(second).to.deep.include({ seq: 2, prevHash: first.hash });
        expectAuditChain(await reopened.audit.scan(0, 10), 2);
      });
    });

    describe('copies', function () {
      it('should not change stored data when returned objects are mutated', async function () {
        const definition = makeDefinition();
        const form = makeForm();
        await store.definitions.addVersion(definition);
        await store.definitions.addFormVersion(form);
        const write = await createInstance({}, (instance) => ({
          tasks: [makeTask(instance)],
          timers: [makeTimer(instance)],
          subscriptions: [makeSubscription(instance)],
          history: [makeEvent(instance, { data: { a: 1 } })],
          outbox: [makeOutbox(instance)],
        }));
        const id = write.instance.id;
        const message = (await store.outbox.get(write.outbox![0].id))!;
        message.variables.registratienummer = 'mutated';
        message.deliveredTo!.push('intruder');

        const instance = (await store.instances.get(id))!;
        instance.status = 'cancelled';
        (instance.variables.details as { wapens: boolean }).wapens = true;
        (instance.engineState as { state: string }).state = 'mutated';
        const task = (await store.instances.getTask(write.tasks[0].id))!;
        task.candidateGroups.push('intruders');
        task.input.registratienummer = 'mutated';
        const [timer] = await store.instances.timersOfInstance(id);
        (timer.ref as { executionId: string }).executionId = 'mutated';
        const [subscription] = await store.instances.findSubscriptions('Terugkoppeling', 'PL-2026-001');
        subscription.correlationKey = 'mutated';
        const [event] = await store.instances.history(id);
        event.data!.a = 2;
        const storedDefinition = (await store.definitions.getLatest(definition.key))!;
        storedDefinition.forms.intake = 99;
        (storedDefinition.settings.starterGroups as string[]).push('intruders');
        const storedForm = (await store.definitions.getLatestForm(form.formId))!;
        storedForm.schema.type = 'mutated';
        const page = await store.instances.list({});
        page.items[0].variables.melder = 'mutated';

        expect(await store.instances.get(id)).to.deep.equal(write.instance);
        expect(await store.instances.getTask(write.tasks[0].id)).to.deep.equal(write.tasks[0]);
        expect(await store.instances.timersOfInstance(id)).to.deep.equal(write.timers);
        expect(await store.instances.subscriptionsOfInstance(id)).to.deep.equal(write.subscriptions);
        expect((await store.instances.history(id))[0].data).to.deep.equal({ a: 1 });
        expect(await store.outbox.get(write.outbox![0].id)).to.deep.equal(pendingOutbox(write.outbox![0]));
        expect(await store.definitions.getLatest(definition.key)).to.deep.equal(definition);
        expect(await store.definitions.getLatestForm(form.formId)).to.deep.equal(form);
      });

      it('should not change stored data when the written objects are mutated afterwards', async function () {
        const definition = makeDefinition();
        await store.definitions.addVersion(definition);
        const instance = makeInstance();
        const task = makeTask(instance);
        const timer = makeTimer(instance);
        await store.instances.create(makeWrite(instance, { tasks: [task], timers: [timer] }));
        const snapshot = structuredClone({ definition, instance, task, timer });

        definition.settings.retentionDays = 1;
        (instance.variables.details as { eerder: string[] }).eerder.push('mutated');
        task.candidateGroups.push('intruders');
        (timer.ref as { executionId: string }).executionId = 'mutated';

        expect(await store.definitions.getLatest(definition.key)).to.deep.equal(snapshot.definition);
        expect(await store.instances.get(instance.id)).to.deep.equal(snapshot.instance);
        expect(await store.instances.getTask(task.id)).to.deep.equal(snapshot.task);
        expect(await store.instances.timersOfInstance(instance.id)).to.deep.equal([snapshot.timer]);
        expect((await store.instances.listTasks({ visibleTo: { userId: 'x', groups: ['intruders'] } })).items).to.deep.equal([]);
      });

      it('should not share objects with callers of the user, audit, draft and comment stores', async function () {
        const user = makeUser();
        const token = makeToken();
        const draft = makeDraft();
        const comment = makeComment(makeInstance(), { visibleTo: ['veilig-thuis'] });
        await store.users.putUser(user);
        await store.users.addToken(token);
        await store.drafts.put(draft);
        await store.comments.add(comment);
        const snapshot = structuredClone({ user, token, draft, comment });

        user.roles.push('administrator');
        token.userId = 'intruder';
        (draft.problems as unknown[]).push('mutated');
        comment.visibleTo!.push('intruders');
        (await store.users.getUser(user.id))!.groups.push('intruders');
        (await store.users.listUsers())[0].roles.push('administrator');
        (await store.users.getToken(token.hash))!.expiresAt = at(100_000);
        (await store.drafts.get(draft.key))!.forms.intake = 'mutated';
        (await store.drafts.list())[0].problems.push('mutated');
        (await store.comments.list(comment.instanceId))[0].visibleTo!.push('intruders');

        expect(await store.users.getUser(user.id)).to.deep.equal(snapshot.user);
        expect(await store.users.getToken(token.hash)).to.deep.equal(snapshot.token);
        expect(await store.drafts.get(draft.key)).to.deep.equal(snapshot.draft);
        expect(await store.comments.list(comment.instanceId)).to.deep.equal([snapshot.comment]);
      });
    });
  });
}
