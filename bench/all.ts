/**
 * npm run bench [-- --quick]: every benchmark, one after the other, each in a process of its
 * own (so one's heap, JIT and open files do not colour the next one's figures).
 *
 *   runtime  persisted runtime vs bare bpmn-engine (SQLite, MongoDB), memory while waiting
 *   http     completions and the inbox query under autocannon, against the real server
 *   workers  throughput with 1 and with 2 worker processes, in one run
 *   scale    100,000 waiting instances: start-up, RSS, inbox p95, 10,000 due timers
 *
 * Each one runs alone too: npm run bench:runtime | bench:http | bench:workers | bench:scale.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const passOn = process.argv.slice(2);
const benches: { name: string; file: string; nodeArgs: string[] }[] = [
  { name: 'runtime', file: 'runtime.bench.ts', nodeArgs: ['--expose-gc'] },
  { name: 'http', file: 'http.bench.ts', nodeArgs: [] },
  { name: 'workers', file: 'workers.bench.ts', nodeArgs: [] },
  { name: 'scale', file: 'scale.bench.ts', nodeArgs: [] },
];

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.name} (${new Date().toISOString()})`);
  const run = spawnSync(process.execPath, [...bench.nodeArgs, '--import', 'tsx', path.join(here, bench.file), ...passOn], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`=== ${bench.name} failed (exit code ${run.status ?? run.signal})`);
  }
}
process.exit(failed ? 1 : 0);
