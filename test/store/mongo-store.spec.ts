/**
 * The store contract against the MongoDB adapter: against MONGODB_URI when it is set, else
 * against a jongodb test server started for this test process. Every test gets a database
 * of its own.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ConflictError, UnavailableError } from '../../src/errors.js';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/port.js';
import { dropTestDatabase as dropDatabase, freePort, testMongoUri, uniqueDatabaseUri } from '../support/jongodb.js';
import { describeStoreContract, expectAuditChain, rejection } from './contract.js';
import { at, auditHash, makeAuditEntry, makeEvent, makeInstance, makeOutbox, makeTask, makeTimer, makeWrite, nextRevision } from './fixtures.js';


/**
 * A TCP proxy in front of the database that a test can cut (connections dropped, new ones
 * refused) and restore on the same port: a network failure without losing the data.
 */
async function startProxy(target: { host: string; port: number }) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = createConnection(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  await listen();
  return {
    port,
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: listen,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

describeStoreContract('mongodb', async () => {
  const uri = uniqueDatabaseUri(await testMongoUri());
  const stores: Store[] = [];
  const openOne = async () => {
    const store = await openMongoStore({ uri });
    stores.push(store);
    return store;
  };
  return {
    store: await openOne(),
    reopen: openOne,
    cleanup: async () => {
      for (const store of stores) await store.close();
      await dropDatabase(uri);
    },
  };
});

describe('mongodb store', function () {
  let uri: string;
  const stores: Store[] = [];
  const connections: mongoose.Connection[] = [];

  async function openStore(): Promise<Store> {
    const store = await openMongoStore({ uri });
    stores.push(store);
    return store;
  }

  /** A plain connection to the test database, to look at or damage documents directly. */
  async function raw(): Promise<mongoose.mongo.Db> {
    const connection = await mongoose.createConnection(uri).asPromise();
    connections.push(connection);
    return connection.db!;
  }

  beforeEach(async function () {
    uri = uniqueDatabaseUri(await testMongoUri());
  });

  afterEach(async function () {
    for (const store of stores.splice(0)) await store.close();
    for (const connection of connections.splice(0)) await connection.close();
    await dropDatabase(uri);
  });

  it('should report its kind and keep opaque values (dotted and $-keys) exactly', async function () {
    const store = await openStore();
    const instance = makeInstance({ variables: { 'a.b': 1, $type: 'bpmn:Process', nested: { 'x.y': [1, { $ref: 'z' }] } } });

    await store.instances.create(makeWrite(instance));

    expect(store.kind).to.equal('mongodb');
    expect(await store.instances.get(instance.id)).to.deep.equal(instance);
  });

  it('should let exactly one of two store handles on one database win a save from the same revision', async function () {
    const one = await openStore();
    const two = await openStore();
    const write = makeWrite(makeInstance());
    await one.instances.create(write);
    const a = nextRevision(write.instance, { variables: { by: 'one' } });
    const b = nextRevision(write.instance, { variables: { by: 'two' } });
    const taskOfB = makeTask(b);

    const results = await Promise.allSettled([
      one.instances.save(makeWrite(a, { history: [makeEvent(a, { type: 'by-one' })] }), 1),
      two.instances.save(makeWrite(b, { tasks: [taskOfB], history: [makeEvent(b, { type: 'by-two' })] }), 1),
    ]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(1);
    expect(rejected[0].reason).to.be.instanceOf(ConflictError);
    const winner = results[0].status === 'fulfilled' ? 'one' : 'two';
    for (const store of [one, two]) {
      expect((await store.instances.get(write.instance.id))?.variables).to.deep.equal({ by: winner });
      expect((await store.instances.history(write.instance.id)).map((e) => e.type)).to.deep.equal([`by-${winner}`]);
      expect(await store.instances.getTask(taskOfB.id)).to.deep.equal(winner === 'two' ? taskOfB : null);
    }
  });

  it('should keep revisions and history consistent when several handles race many saves', async function () {
    this.timeout(60_000);
    const handles = [await openStore(), await openStore(), await openStore()];
    const write = makeWrite(makeInstance({ variables: {} }));
    await handles[0].instances.create(write);
    let wins = 0;
    let conflicts = 0;

    await Promise.all(
      handles.map(async (store, n) => {
        for (let round = 0; round < 40; round++) {
          const current = (await store.instances.get(write.instance.id))!;
          const next = nextRevision(current, { variables: { by: n, round } });
          try {
            await store.instances.save(makeWrite(next, { history: [makeEvent(next, { type: `${n}-${round}` })] }), current.revision);
            wins++;
          } catch (error) {
            if (!(error instanceof ConflictError)) throw error;
            conflicts++;
          }
        }
      }),
    );

    expect(wins + conflicts).to.equal(120);
    expect((await handles[1].instances.get(write.instance.id))?.revision).to.equal(1 + wins);
    const history = await handles[2].instances.history(write.instance.id);
    expect(history).to.have.length(wins);
    expect(new Set(history.map((e) => e.type)).size).to.equal(wins);
  });

  it('should give each of 150 contested timer and message leases to exactly one of three handles', async function () {
    this.timeout(60_000);
    const handles = [await openStore(), await openStore(), await openStore()];
    const instance = makeInstance();
    const rounds = 75;
    const timers = Array.from({ length: rounds }, () => makeTimer(instance, { dueAt: at(1) }));
    const messages = Array.from({ length: rounds }, () => makeOutbox(instance, { dueAt: at(1) }));
    await handles[0].instances.create(makeWrite(instance, { timers, outbox: messages }));

    const winners = await Promise.all(
      [...timers.map((t) => (n: number) => handles[n].timers.claim(t.id, `node-${n}`, at(2), at(3))),
        ...messages.map((m) => (n: number) => handles[n].outbox.claim(m.id, `node-${n}`, at(2), at(3)))].map(async (claim) => {
        const claims = await Promise.all([0, 1, 2].map((n) => claim(n)));
        return claims.filter((c) => c !== null).length;
      }),
    );

    expect(winners.filter((n) => n !== 1)).to.deep.equal([]);
  });

  it('should chain audit appends of several store handles without gaps or forks', async function () {
    const handles = [await openStore(), await openStore(), await openStore()];

    await Promise.all(
      Array.from({ length: 45 }, (_, i) => handles[i % 3].audit.append(makeAuditEntry({ actor: `handle-${i % 3}`, action: `append-${i}` }), auditHash)),
    );

    const entries = await handles[0].audit.scan(0, 100);
    expectAuditChain(entries, 45);
    expect(entries.filter((e) => e.actor === 'handle-1')).to.have.length(15);
  });

  it('should apply a write that a dead node committed but did not apply, on the next read or sweep', async function () {
    const store = await openStore();
    const instance = makeInstance();
    const task = makeTask(instance);
    await store.instances.create(makeWrite(instance, { tasks: [task], timers: [makeTimer(instance, { dueAt: at(100) })] }));
    // A second node commits revision 2 (a new timer, a thrown message, history) and dies
    // before it applies its journal: simulated by a store whose connection drops every write
    // after the commit.
    const next = nextRevision(instance);
    const timer = makeTimer(next, { dueAt: at(1) });
    const message = makeOutbox(next);
    const crashing = await openStore();
    const db = await raw();
    await crashing.instances.save(makeWrite(next, { timers: [timer], outbox: [message], history: [makeEvent(next, { type: 'late' })] }), 1);
    // Undo what the journal applied, and mark the instance as left dirty long ago.
    const doc = await db.collection<{ _id: string }>('instances').findOne({ _id: instance.id });
    const journal = { kind: 'write', revision: 2, at: Date.now() - 60_000, tasks: [], timers: [], subscriptions: [], history: [], outbox: [], consumes: null };
    const applied = (await db.collection('history').find({ instanceId: instance.id }).toArray()) as unknown as { _id: number }[];
    const fullJournal = {
      ...journal,
      timers: await db.collection('timers').find({ instanceId: instance.id }).toArray(),
      history: applied,
      outbox: await db.collection('outbox').find({ sourceInstanceId: instance.id }).toArray(),
    };
    await db.collection('timers').deleteMany({ _id: timer.id as never });
    await db.collection('history').deleteMany({ instanceId: instance.id });
    await db.collection('outbox').deleteMany({ sourceInstanceId: instance.id });
    await db.collection<{ _id: string }>('instances').updateOne({ _id: instance.id }, { $set: { dirty: true, journal: fullJournal } });
    expect(doc).to.not.equal(null);
    expect(await db.collection('timers').countDocuments({ _id: timer.id as never })).to.equal(0);

    // The scheduler's look for due timers sweeps it.
    const due = await store.timers.due(at(2), 10);

    expect(due.map((t) => t.id)).to.deep.equal([timer.id]);
    expect(await store.outbox.get(message.id)).to.deep.include({ state: 'pending' });
    expect((await store.instances.history(instance.id)).map((e) => e.type)).to.deep.equal(['late']);
    expect(await store.instances.timersOfInstance(instance.id)).to.deep.equal([timer]);
    expect(await store.instances.tasksOfInstance(instance.id)).to.deep.equal([task]);
    const after = await db.collection<{ _id: string; dirty: boolean }>('instances').findOne({ _id: instance.id });
    expect(after?.dirty).to.equal(false);
  });

  it('should take over a reservation of a hand-over whose write lost its race and died', async function () {
    const store = await openStore();
    const sender = makeInstance();
    const message = makeOutbox(sender);
    await store.instances.create(makeWrite(sender, { outbox: [message] }));
    const receiver = makeInstance();
    await store.instances.create(makeWrite(receiver));
    await store.instances.save(makeWrite(nextRevision(receiver)), 1);
    // A write of the receiver at revision 2 reserved the message, lost to the save above and
    // died before giving the reservation back.
    const db = await raw();
    await db
      .collection<{ _id: string }>('outbox')
      .updateOne({ _id: message.id }, { $set: { consumer: { instanceId: receiver.id, revision: 2, token: 'dead', atMs: Date.now() } } });

    const third = nextRevision(nextRevision(receiver));
    await store.instances.save(makeWrite(third, { consumesOutbox: message.id }), 2);

    expect(await store.outbox.get(message.id)).to.deep.include({ state: 'delivered', deliveredTo: [receiver.id] });
  });

  it('should give the reservation of a hand-over back when the consuming write loses its race', async function () {
    const store = await openStore();
    const sender = makeInstance();
    const message = makeOutbox(sender);
    await store.instances.create(makeWrite(sender, { outbox: [message] }));
    const receiver = makeInstance();
    await store.instances.create(makeWrite(receiver));
    await store.instances.save(makeWrite(nextRevision(receiver)), 1);

    const error = await rejection(store.instances.save(makeWrite(nextRevision(receiver), { consumesOutbox: message.id }), 1));

    expect(error).to.be.instanceOf(ConflictError);
    const db = await raw();
    const doc = await db.collection<{ _id: string; consumer: unknown; state: string }>('outbox').findOne({ _id: message.id });
    expect(doc).to.deep.include({ state: 'pending', consumer: null });
  });

  it('should refuse a hand-over reserved by a write that may still commit', async function () {
    const store = await openStore();
    const sender = makeInstance();
    const message = makeOutbox(sender);
    await store.instances.create(makeWrite(sender, { outbox: [message] }));
    const db = await raw();
    await db
      .collection<{ _id: string }>('outbox')
      .updateOne({ _id: message.id }, { $set: { consumer: { instanceId: 'starting', revision: 1, token: 'live', atMs: Date.now() } } });

    const error = await rejection(store.instances.create(makeWrite(makeInstance(), { consumesOutbox: message.id })));

    expect(error).to.be.instanceOf(ConflictError);
    expect(await store.outbox.get(message.id)).to.deep.include({ state: 'pending', deliveredTo: [] });
  });

  it('should refuse calls after close with UnavailableError, and close twice quietly', async function () {
    const store = await openStore();
    await store.close();

    const error = await rejection(store.instances.get('x'));
    await store.close();

    expect(error).to.be.instanceOf(UnavailableError);
    expect(await rejection(store.timers.due(at(0), 1))).to.be.instanceOf(UnavailableError);
  });

  it('should answer UnavailableError while the database cannot be reached, and recover without a reopen', async function () {
    const target = /^mongodb:\/\/([^:/]+):(\d+)/.exec(uri);
    if (!target || target[1].includes(',')) this.skip(); // a proxy needs one host:port
    const proxy = await startProxy({ host: target![1], port: Number(target![2]) });
    try {
      const viaProxy = uri.replace(`${target![1]}:${target![2]}`, `127.0.0.1:${proxy.port}`);
      const store = await openMongoStore({ uri: viaProxy, serverSelectionTimeoutMs: 500 });
      stores.push(store);
      const instance = makeInstance();
      await store.instances.create(makeWrite(instance));

      await proxy.cut();
      const started = Date.now();
      const read = await rejection(store.instances.get(instance.id));
      const write = await rejection(store.instances.save(makeWrite(nextRevision(instance)), 1));
      const waited = Date.now() - started;
      await proxy.restore();
      let back = null;
      for (let i = 0; i < 100 && back === null; i++) {
        back = await store.instances.get(instance.id).catch(() => null);
        if (back === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }

      expect(read).to.be.instanceOf(UnavailableError);
      expect(write).to.be.instanceOf(UnavailableError);
      expect(waited).to.be.below(5000);
      expect(back).to.deep.equal(instance);
      await store.instances.save(makeWrite(nextRevision(instance)), 1);
      expect((await store.instances.get(instance.id))?.revision).to.equal(2);
    } finally {
      await proxy.stop();
    }
  });

  it('should refuse to open with UnavailableError when nothing listens at the URI', async function () {
    const error = await rejection(openMongoStore({ uri: 'mongodb://127.0.0.1:1/samenspel', serverSelectionTimeoutMs: 300 }));

    expect(error).to.be.instanceOf(UnavailableError);
  });
});
