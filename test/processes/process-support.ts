/**
 * Helpers for the scenario tests of the Veiligheid Voorop! processes in processes/: deploy
 * the real diagrams and forms through the deployment service, and drive them through the
 * runtime with a ManualClock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Problem } from '../../src/definitions/problem.js';
import type { TaskRecord, Variables } from '../../src/store/port.js';
import { createHarness, type Harness } from '../support/runtime-harness.js';

export const PROCESS_DIR = path.resolve(import.meta.dirname, '../../processes');

export const PROCESS_IDS = [
  'zorgmelding-politie',
  'melding-veilig-thuis',
  'zorg-straf-afweging',
  'tijdelijk-huisverbod',
  'verzoek-onderzoek-rvdk',
  'reclasseringsadvies',
] as const;
export type ProcessId = (typeof PROCESS_IDS)[number];

export function processXml(id: ProcessId): string {
  return readFileSync(path.join(PROCESS_DIR, `${id}.bpmn`), 'utf8');
}

/** Every form of processes/, by form id. */
export function allForms(): Record<string, unknown> {
  const forms: Record<string, unknown> = {};
  for (const name of readdirSync(PROCESS_DIR).filter((file) => file.endsWith('.form'))) {
    const json = JSON.parse(readFileSync(path.join(PROCESS_DIR, name), 'utf8'));
    forms[json.id] = json;
  }
  return forms;
}

/** The forms a diagram references. */
export function formsOf(xml: string): Record<string, unknown> {
  const all = allForms();
  const ids = [...new Set([...xml.matchAll(/formId="([^"]+)"/g)].map((m) => m[1]))];
  return Object.fromEntries(ids.map((id) => [id, all[id]]));
}

/** Validates and deploys the given processes; returns the warnings per process. */
export async function deployProcesses(h: Harness, ids: readonly ProcessId[]): Promise<Record<string, Problem[]>> {
  const warnings: Record<string, Problem[]> = {};
  for (const id of ids) {
    const xml = processXml(id);
    const input = { xml, forms: formsOf(xml) };
    const verdict = await h.deployments.validate(input);
    const errors = verdict.problems.filter((p) => p.severity === 'error');
    expect(errors, `${id}: ${errors.map((e) => `${e.elementId}: ${e.message}`).join('\n')}`).to.deep.equal([]);
    warnings[id] = verdict.problems;
    await h.deploy(xml, input.forms);
  }
  return warnings;
}

/** A harness with the given processes deployed (all six by default). */
export async function processHarness(options: { start?: string; ids?: readonly ProcessId[] } = {}): Promise<Harness> {
  const h = await createHarness({ start: options.start ?? '2026-04-22T09:00:00.000Z' });
  await deployProcesses(h, options.ids ?? PROCESS_IDS);
  return h;
}

export async function openTasks(h: Harness, instanceId: string): Promise<TaskRecord[]> {
  return (await h.store.instances.tasksOfInstance(instanceId)).filter((task) => task.state === 'open');
}

/** The one open task of an instance at an element (fails when there is none or more). */
export async function taskAt(h: Harness, instanceId: string, elementId: string): Promise<TaskRecord> {
  const tasks = (await openTasks(h, instanceId)).filter((task) => task.elementId === elementId);
  expect(tasks.map((t) => t.elementId), `open task ${elementId} of ${instanceId}`).to.have.length(1);
  return tasks[0];
}

export async function openElements(h: Harness, instanceId: string): Promise<string[]> {
  return (await openTasks(h, instanceId)).map((task) => task.elementId).sort();
}

/** Completes the open task at an element with form data (validated against its form). */
export async function complete(h: Harness, instanceId: string, elementId: string, data: Variables, actor = 'tester'): Promise<TaskRecord> {
  const task = await taskAt(h, instanceId, elementId);
  await h.runtime.completeTask(task.id, data, actor);
  return task;
}

export async function instancesOf(h: Harness, definitionKey: ProcessId) {
  return (await h.store.instances.list({ definitionKey })).items;
}

/** The one instance of a process (started by a message, for example). */
export async function onlyInstance(h: Harness, definitionKey: ProcessId) {
  const instances = await instancesOf(h, definitionKey);
  expect(instances, `instances of ${definitionKey}`).to.have.length(1);
  return instances[0];
}

export async function variablesOf(h: Harness, instanceId: string): Promise<Variables> {
  return (await h.store.instances.get(instanceId))!.variables;
}

export async function statusOf(h: Harness, instanceId: string): Promise<string> {
  return (await h.store.instances.get(instanceId))!.status;
}

/** Moves the clock and fires what is due (timers, then outgoing messages). */
export async function advanceTo(h: Harness, at: string): Promise<number> {
  h.clock.set(at);
  return h.runtime.scheduler.runDue();
}

/** Delivers outgoing messages (and fires timers due now). */
export async function deliver(h: Harness): Promise<void> {
  await h.runtime.scheduler.runDue();
}

export async function timersOf(h: Harness, instanceId: string) {
  return (await h.store.instances.timersOfInstance(instanceId)).map((t) => ({ elementId: t.elementId, dueAt: t.dueAt }));
}

export async function outboxOf(h: Harness) {
  return (await h.store.outbox.list({})).items;
}
