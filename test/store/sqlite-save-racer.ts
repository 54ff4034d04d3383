/**
 * A child process for sqlite-store.spec.ts: opens the store on a file and races another
 * process with read-modify-save rounds on one instance.
 * argv: file instanceId rounds name. Prints "ready", waits for a line on stdin, then
 * prints {"wins":n,"conflicts":m}.
 */
import { once } from 'node:events';
import { ConflictError } from '../../src/errors.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [file, instanceId, rounds, name] = process.argv.slice(2);
const store = await openSqliteStore({ file });
process.stdout.write('ready\n');
await once(process.stdin, 'data');

let wins = 0;
let conflicts = 0;
for (let round = 0; round < Number(rounds); round++) {
  const current = await store.instances.get(instanceId);
  if (!current) throw new Error(`instance ${instanceId} not found`);
  const next = { ...current, revision: current.revision + 1, variables: { ...current.variables, [name]: round } };
  try {
    await store.instances.save(
      {
        instance: next,
        tasks: [],
        timers: [],
        subscriptions: [],
        history: [{ instanceId, at: new Date().toISOString(), type: `${name}-${round}`, elementId: null, actor: name }],
      },
      current.revision,
    );
    wins += 1;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    conflicts += 1;
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ wins, conflicts })}\n`);
process.stdin.destroy();
