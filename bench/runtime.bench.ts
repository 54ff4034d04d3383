/**
 * npm run bench:runtime [-- --quick]
 *
 * 1. Throughput of start -> 3 user tasks -> end, through the runtime with persistence
 *    (SQLite with full and normal sync, MongoDB), against the same flow on bare bpmn-engine
 *    in memory, in the same run: one flow at a time, and 8 in flight as a server has them.
 * 2. Heap and RSS growth while 1,000 and then 10,000 instances wait (instances rest in
 *    the store, so memory should not grow with them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import { systemClock } from '../src/clock.js';
import { createDeploymentService } from '../src/definitions/deployment-service.js';
import { compileDefinition } from '../src/engine/compile-definition.js';
import { createWorkingDayCalendar } from '../src/engine/working-days.js';
import { createConnectorRegistry } from '../src/runtime/connectors/connector-registry.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { openMongoStore } from '../src/store/mongo/mongo-store.js';
import type { Store } from '../src/store/port.js';
import { testMongoUri, uniqueDatabaseUri } from '../test/support/jongodb.js';
import { createBpmnModdle } from '../src/engine/compile-definition.js';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import * as Elements from 'bpmn-elements';

const quick = process.argv.includes('--quick');
const FLOWS = quick ? 150 : 600;
const IN_FLIGHT = 8;
const WAIT_LOW = 1_000;
const WAIT_HIGH = quick ? 4_000 : 10_000;

const task = (id: string, next: string) => `
  <bpmn:userTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="bench" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f-${id}" sourceRef="${id}" targetRef="${next}" />`;
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="bench">
  <bpmn:process id="bench" name="Bench" isExecutable="true">
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="t1" />
    ${task('t1', 't2')}${task('t2', 't3')}${task('t3', 'end')}
    <bpmn:endEvent id="end" name="End" />
  </bpmn:process>
</bpmn:definitions>`;

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });

/** Runs `count` flows, `inFlight` at a time (a server has several requests in hand). */
async function concurrently(count: number, inFlight: number, flow: () => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next++;
        await flow();
      }
    }),
  );
}

async function bareFlows(count: number, inFlight = 1): Promise<number> {
  // The fair baseline: the model parsed once, engines in memory, no persistence.
  const moddle = createBpmnModdle();
  const parsed = await moddle.fromXML(xml);
  const sourceContext = serializer(parsed as any, TypeResolver(Elements as any));
  const started = performance.now();
  await concurrently(count, inFlight, async () => {
    const engine: any = new (Engine as any)({ sourceContext, Logger: silentLogger });
    const listener = new EventEmitter();
    const execution = await engine.execute({ listener });
    for (let n = 0; n < 3; n++) {
      const [waiting] = execution.getPostponed().filter((api: any) => api.type === 'bpmn:UserTask');
      waiting.signal({ n });
    }
    if (engine.state !== 'idle') throw new Error(`bare flow did not end: ${engine.state}`);
  });
  return count / ((performance.now() - started) / 1000);
}

/** Where a persisted run keeps its instances: a SQLite file in `dir`, or a MongoDB database. */
type StoreKind = 'FULL' | 'NORMAL' | 'mongodb';

async function openBenchStore(dir: string, kind: StoreKind): Promise<Store> {
  if (kind !== 'mongodb') return openSqliteStore({ file: path.join(dir, 'bench.db'), synchronous: kind });
  // MONGODB_URI when set, else the jongodb test server (in memory, no disk writes).
  return openMongoStore({ uri: uniqueDatabaseUri(await testMongoUri(), 'samenspel_bench') });
}

async function persistedRuntime(dir: string, kind: StoreKind = 'FULL') {
  const store = await openBenchStore(dir, kind);
  const connectors = createConnectorRegistry([]);
  const runtime = createRuntime({ store, clock: systemClock, connectors, calendar: createWorkingDayCalendar() });
  const deployments = createDeploymentService({
    store,
    clock: systemClock,
    ids: () => crypto.randomUUID(),
    connectorTypes: () => connectors.types(),
    onDeployed: () => runtime.definitions.invalidate(),
  });
  await deployments.deploy({ xml }, 'bench');
  return { store, runtime };
}

interface Breakdown {
  engineMs: number;
  writeMs: number;
}

/** Times the engine and the store's writes inside the measured loop, per flow. */
function instrument(store: Awaited<ReturnType<typeof persistedRuntime>>['store'], runtime: Awaited<ReturnType<typeof persistedRuntime>>['runtime']) {
  const spent = { engine: 0, write: 0 };
  const wrap = (target: any, name: string, key: keyof typeof spent) => {
    const original = target[name].bind(target);
    target[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        spent[key] += performance.now() - started;
      }
    };
  };
  wrap(runtime.context.engine, 'run', 'engine');
  wrap(store.instances, 'save', 'write');
  wrap(store.instances, 'create', 'write');
  return spent;
}

async function persistedFlows(
  count: number,
  dir: string,
  kind: StoreKind = 'FULL',
  inFlight = 1,
): Promise<{ rate: number; breakdown: Breakdown }> {
  const { store, runtime } = await persistedRuntime(dir, kind);
  const spent = instrument(store, runtime);
  const started = performance.now();
  await concurrently(count, inFlight, async () => {
    const result = await runtime.startInstance({ definitionKey: 'bench' }, 'bench');
    let open = result.tasks.find((candidate) => candidate.state === 'open');
    let status = result.instance.status;
    for (let n = 0; n < 3; n++) {
      const completed = await runtime.completeTask(open!.id, { n }, 'bench');
      status = completed.instance.status;
      open = completed.next.find((candidate) => candidate.state === 'open');
    }
    if (status !== 'completed') throw new Error('persisted flow did not end');
  });
  const rate = count / ((performance.now() - started) / 1000);
  await store.close();
  return { rate, breakdown: { engineMs: spent.engine / count, writeMs: spent.write / count } };
}

/** Median of five samples after full collections: RSS alone jumps by tens of MB as
 * malloc arenas come and go, which would drown the growth being measured. */
async function memory() {
  const samples: { heapMB: number; rssMB: number }[] = [];
  for (let i = 0; i < 5; i++) {
    (globalThis as any).gc?.();
    (globalThis as any).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { heapUsed, rss } = process.memoryUsage();
    samples.push({ heapMB: heapUsed / 2 ** 20, rssMB: rss / 2 ** 20 });
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { heapMB: median(samples.map((s) => s.heapMB)), rssMB: median(samples.map((s) => s.rssMB)) };
}

async function waitingMemory(dir: string) {
  const { store, runtime } = await persistedRuntime(dir);
  const startMany = async (count: number) => {
    for (let i = 0; i < count; i++) await runtime.startInstance({ definitionKey: 'bench' }, 'bench');
  };
  await startMany(WAIT_LOW);
  const low = await memory();
  await startMany(WAIT_HIGH - WAIT_LOW);
  const high = await memory();
  await store.close();
  return { low, high, cached: runtime.context.engine.cachedEngines };
}

async function main() {
  if (!(globalThis as any).gc) console.log('(run with node --expose-gc for exact memory figures)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'samenspel-bench-'));
  try {
    // Warm both paths so that JIT and caches do not favour the second one.
    await bareFlows(20);
    await persistedFlows(20, path.join(dir, 'warm'));
    console.log(`flow: start -> 3 user tasks -> end, ${FLOWS} flows per figure (bare measured before and after, averaged)`);
    for (const inFlight of [1, IN_FLIGHT]) {
      const bare = await bareFlows(FLOWS, inFlight);
      const full = await persistedFlows(FLOWS, path.join(dir, `full-${inFlight}`), 'FULL', inFlight);
      const normal = await persistedFlows(FLOWS, path.join(dir, `normal-${inFlight}`), 'NORMAL', inFlight);
      // Fewer flows on MongoDB: jongodb is several times slower, the rate settles quickly.
      const mongodb = await persistedFlows(Math.ceil(FLOWS / 4), dir, 'mongodb', inFlight);
      const baseline = (bare + (await bareFlows(FLOWS, inFlight))) / 2;
      console.log(inFlight === 1 ? 'one flow at a time:' : `${inFlight} flows in flight (as a server has several requests in hand):`);
      console.log(`  bare bpmn-engine in memory          : ${baseline.toFixed(1)} flows/s (${(1000 / baseline).toFixed(2)} ms/flow)`);
      const stores = [
        ['SQLite synchronous=FULL (default)', full],
        ['SQLite synchronous=NORMAL', normal],
        [process.env.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'MongoDB (jongodb, in memory)', mongodb],
      ] as const;
      for (const [label, result] of stores) {
        const msPerFlow = 1000 / result.rate;
        console.log(`  Samenspel runtime, ${label.padEnd(33)}: ${result.rate.toFixed(1)} flows/s, ratio ${(result.rate / baseline).toFixed(2)}${label.startsWith('SQLite') ? ' (target >= 0.80)' : ''}`);
        // With several flows in flight the timed parts overlap, so only one at a time adds up.
        if (inFlight === 1) {
          console.log(
            `    per flow ${msPerFlow.toFixed(2)} ms = engine ${result.breakdown.engineMs.toFixed(2)} + store writes ${result.breakdown.writeMs.toFixed(2)}` +
              ` + reads and the rest ${(msPerFlow - result.breakdown.engineMs - result.breakdown.writeMs).toFixed(2)}`,
          );
        }
      }
    }

    const { low, high, cached } = await waitingMemory(path.join(dir, 'wait'));
    console.log(`waiting instances: ${WAIT_LOW} -> ${WAIT_HIGH} (engine cache holds ${cached})`);
    console.log(`  heap ${low.heapMB.toFixed(1)} MB -> ${high.heapMB.toFixed(1)} MB (growth ${(high.heapMB - low.heapMB).toFixed(1)} MB)`);
    console.log(`  rss  ${low.rssMB.toFixed(1)} MB -> ${high.rssMB.toFixed(1)} MB (growth ${(high.rssMB - low.rssMB).toFixed(1)} MB, target < 30 MB)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
