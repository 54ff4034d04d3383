/**
 * The MongoDB store while its database server is gone and after it comes back (a jongodb of
 * the test's own, killed with SIGKILL and started again on the same port, empty: the way a
 * database restored from a backup comes back without what was written after the backup).
 * `test/faults/mongo-restart.spec.ts` runs the same outage under HTTP load.
 */
import { expect } from 'chai';
import { UnavailableError } from '../../src/errors.js';
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/port.js';
import { startJongodb, withDatabase, type Jongodb } from '../support/jongodb.js';
import { expectAuditChain, rejection } from './contract.js';
import { auditHash, makeAuditEntry } from './fixtures.js';

const SELECTION_MS = 500;

describe('mongodb store: the database server killed and started again', function () {
  this.timeout(30_000);
  let db: Jongodb | null = null;
  let store: Store | null = null;
  let down = false;
  const kill = async () => {
    await db!.kill();
    down = true;
  };
  const restart = async () => {
    db = await startJongodb({ port: db!.port });
    down = false;
  };

  beforeEach(async function () {
    // A real MongoDB (MONGODB_URI) is not the test's to kill; this needs a server of its own.
    if (process.env.MONGODB_URI) this.skip();
    db = await startJongodb();
    // Heartbeats every 500 ms: the driver notices the dead server soon (default every 10 s).
    const uri = `${withDatabase(db.uri, 'samenspel_outage')}?heartbeatFrequencyMS=500`;
    store = await openMongoStore({ uri, serverSelectionTimeoutMs: SELECTION_MS });
  });
  afterEach(async () => {
    // Closed with the server up: a close right after the kill was seen to wait for ever
    // (mongoose stays "disconnecting"; docs/reliability.md, still to do).
    if (down) await restart();
    await store?.close();
    await db?.kill();
  });

  it('should refuse audit appends queued during the outage together, within one server selection timeout', async () => {
    await store!.audit.append(makeAuditEntry(), auditHash);
    await kill();
    // Once the driver knows the server is gone, every call waits a full selection timeout.
    while (!/selection/i.test(String((await rejection(store!.instances.get('x'))) as Error))) await new Promise((resolve) => setTimeout(resolve, 20));

    const started = Date.now();
    const appends = Array.from({ length: 6 }, () => rejection(store!.audit.append(makeAuditEntry(), auditHash)));
    const errors = await Promise.all(appends);
    const waited = Date.now() - started;

    for (const error of errors) expect(error).to.be.instanceOf(UnavailableError);
    // One after the other they would take six timeouts.
    expect(waited).to.be.below(2 * SELECTION_MS + 500);
  });

  it('should chain audit appends onto what the database holds after it comes back, not onto the last entry before', async () => {
    for (let i = 0; i < 3; i++) await store!.audit.append(makeAuditEntry(), auditHash);
    await kill();
    expect(await rejection(store!.instances.get('x'))).to.be.instanceOf(UnavailableError);
    await restart();

    let appended = null;
    for (let i = 0; i < 50 && appended === null; i++) {
      appended = await store!.audit.append(makeAuditEntry(), auditHash).catch(() => null);
      if (appended === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(appended?.seq, 'the first entry of the database that came back').to.equal(1);
    await store!.audit.append(makeAuditEntry(), auditHash);
    expectAuditChain(await store!.audit.scan(0, 10), 2);
  });
});
