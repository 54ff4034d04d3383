/**
 * npm run bench [-- --quick]
 *
 * 1. Throughput of start -> 3 user tasks -> end, through the runtime with persistence
 *    (SQLite), against the same flow on bare bpmn-engine in memory, in the same run.
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
import { createBpmnModdle } from '../src/engine/compile-definition.js';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import * as Elements from 'bpmn-elements';

const quick = process.argv.includes('--quick');
const FLOWS = quick ? 150 : 600;
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

async function bareFlows(count: number): Promise<number> {
  // The fair baseline: the model parsed once, engines in memory, no persistence.
  const moddle = createBpmnModdle();
  const parsed = await moddle.fromXML(xml);
  const sourceContext = serializer(parsed as any, TypeResolver(Elements as any));
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const engine: any = new (Engine as any)({ sourceContext, Logger: silentLogger });
    const listener = new EventEmitter();
    const execution = await engine.execute({ listener });
    for (let n = 0; n < 3; n++) {
      const [waiting] = execution.getPostponed().filter((api: any) => api.type === 'bpmn:UserTask');
      waiting.signal({ n });
    }
    if (engine.state !== 'idle') throw new Error(`bare flow did not end: ${engine.state}`);
  }
  return count / ((performance.now() - started) / 1000);
}

async function persistedRuntime(dir: string) {
  const store = await openSqliteStore({ file: path.join(dir, 'bench.db') });
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

async function persistedFlows(count: number, dir: string): Promise<number> {
  const { store, runtime } = await persistedRuntime(dir);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    let result = await runtime.startInstance({ definitionKey: 'bench' }, 'bench');
    for (let n = 0; n < 3; n++) {
      const open = result.tasks.find((candidate) => candidate.state === 'open')!;
      const completed = await runtime.completeTask(open.id, { n }, 'bench');
      result = { ...result, instance: completed.instance, tasks: (await store.instances.tasksOfInstance(completed.instance.id)) };
    }
    if (result.instance.status !== 'completed') throw new Error('persisted flow did not end');
  }
  const rate = count / ((performance.now() - started) / 1000);
  await store.close();
  return rate;
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
    const bare = await bareFlows(FLOWS);
    const persisted = await persistedFlows(FLOWS, path.join(dir, 'run'));
    console.log(`flow: start -> 3 user tasks -> end, ${FLOWS} flows each`);
    console.log(`  bare bpmn-engine in memory : ${bare.toFixed(1)} flows/s`);
    console.log(`  Samenspel runtime + SQLite : ${persisted.toFixed(1)} flows/s`);
    console.log(`  ratio persisted/bare       : ${(persisted / bare).toFixed(2)} (target >= 0.80)`);

    const { low, high, cached } = await waitingMemory(path.join(dir, 'wait'));
    console.log(`waiting instances: ${WAIT_LOW} -> ${WAIT_HIGH} (engine cache holds ${cached})`);
    console.log(`  heap ${low.heapMB.toFixed(1)} MB -> ${high.heapMB.toFixed(1)} MB (growth ${(high.heapMB - low.heapMB).toFixed(1)} MB)`);
    console.log(`  rss  ${low.rssMB.toFixed(1)} MB -> ${high.rssMB.toFixed(1)} MB (growth ${(high.rssMB - low.rssMB).toFixed(1)} MB, target < 30 MB)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
