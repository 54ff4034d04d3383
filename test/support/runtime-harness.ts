import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock.js';
import { createDeploymentService } from '../../src/definitions/deployment-service.js';
import { createWorkingDayCalendar } from '../../src/engine/working-days.js';
import type { Connector } from '../../src/runtime/connectors/connector.js';
import { createConnectorRegistry } from '../../src/runtime/connectors/connector-registry.js';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/port.js';

export interface Harness {
  dir: string;
  clock: ManualClock;
  store: Store;
  runtime: Runtime;
  deploy(xml: string, forms?: Record<string, unknown>): Promise<{ key: string; version: number; unchanged?: true }[]>;
  deployments: ReturnType<typeof createDeploymentService>;
  /** Closes the store and opens a new runtime on the same file (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A connector tests can make fail or succeed. */
export class ScriptedConnector implements Connector {
  readonly type = 'test-call';
  failures = 0;
  calls: { elementId: string; variables: Record<string, unknown>; idempotencyKey: string }[] = [];
  async invoke(call: { elementId: string; variables: Record<string, unknown>; idempotencyKey: string }) {
    this.calls.push(call);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('receiving system is down');
    }
    return { ontvangen: true };
  }
}

export async function createHarness(options: { start?: string; connector?: ScriptedConnector } = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'samenspel-test-'));
  const clock = new ManualClock(options.start ?? '2026-04-22T09:00:00.000Z');
  const connector = options.connector ?? new ScriptedConnector();
  const calendar = createWorkingDayCalendar();
  let counter = 0;
  const ids = () => `id-${(++counter).toString().padStart(5, '0')}-${Math.random().toString(36).slice(2, 8)}`;

  const open = async () => {
    const store = await openSqliteStore({ file: path.join(dir, 'samenspel.db') });
    const connectors = createConnectorRegistry([connector]);
    const runtime = createRuntime({ store, clock, connectors, calendar, ids, scheduler: { pollMs: 50 } });
    const deployments = createDeploymentService({
      store,
      clock,
      ids,
      connectorTypes: () => connectors.types(),
      onDeployed: () => runtime.definitions.invalidate(),
    });
    return { store, runtime, deployments };
  };

  let current = await open();
  const harness: Harness = {
    dir,
    clock,
    get store() {
      return current.store;
    },
    get runtime() {
      return current.runtime;
    },
    get deployments() {
      return current.deployments;
    },
    async deploy(xml, forms) {
      return (await current.deployments.deploy({ xml, forms }, 'admin')).deployed;
    },
    async restart() {
      await current.runtime.scheduler.stop();
      await current.store.close();
      current = await open();
    },
    async close() {
      await current.runtime.scheduler.stop();
      await current.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Wraps process content in a BPMN document with the zeebe namespace. */
export function bpmn(content: string, extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
${extra}
${content}
</bpmn:definitions>`;
}

export function userTask(id: string, name: string, group: string, extra = ''): string {
  return `<bpmn:userTask id="${id}" name="${name}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${group}" />${extra}</bpmn:extensionElements></bpmn:userTask>`;
}
