/**
 * A child process for sqlite-store.spec.ts: opens the store on a file and races another
 * process with audit appends.
 * argv: file rounds name. Prints "ready", waits for a line on stdin, appends `rounds`
 * entries with actor `name`, then prints {"appended":n}.
 */
import { once } from 'node:events';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { auditHash, makeAuditEntry } from './fixtures.js';

const [file, rounds, name] = process.argv.slice(2);
const store = await openSqliteStore({ file });
process.stdout.write('ready\n');
await once(process.stdin, 'data');

let appended = 0;
for (let round = 0; round < Number(rounds); round++) {
  await store.audit.append(
    makeAuditEntry({ at: new Date().toISOString(), actor: name, action: `race-${round}` }),
    auditHash,
  );
  appended += 1;
}
await store.close();
process.stdout.write(`${JSON.stringify({ appended })}\n`);
process.stdin.destroy();
