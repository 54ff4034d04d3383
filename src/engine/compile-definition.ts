import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { samenspelElements } from './engine-behaviours.js';
import { describeProcesses, type ProcessModel } from './element-model.js';

const require = createRequire(import.meta.url);
const zeebeDescriptor = require('zeebe-bpmn-moddle/resources/zeebe.json');

/** One process of one deployed version, parsed once and shared by every run of it. */
export interface CompiledDefinition {
  key: string;
  version: number;
  model: ProcessModel;
  /** moddle-context-serializer output, handed to the engine as `sourceContext`. */
  sourceContext: unknown;
}

export function createBpmnModdle(): InstanceType<typeof BpmnModdle> {
  return new BpmnModdle({ zeebe: zeebeDescriptor });
}

const typeResolver = TypeResolver(samenspelElements as any);

/**
 * Parses the XML of a deployed version for one of its processes. Every other process of
 * the file is made non-executable for this compilation, because bpmn-engine would
 * otherwise run all executable pools of a collaboration at once.
 */
export async function compileDefinition(xml: string, key: string, version: number): Promise<CompiledDefinition> {
  const moddle = createBpmnModdle();
  const parsed = await moddle.fromXML(xml);
  const root = parsed.rootElement as any;
  const processes = (root.rootElements ?? []).filter((element: any) => element.$type === 'bpmn:Process');
  if (!processes.some((process: any) => process.id === key)) {
    throw new Error(`process ${key} is not in the deployed BPMN`);
  }
  for (const process of processes) process.isExecutable = process.id === key;
  // Message flows only document hand-overs: Samenspel delivers messages itself (outbox,
  // by name and correlation key). Left in, bpmn-engine would deliver between the pools
  // of the file, and the serializer fails on a flow to a collapsed pool (no processRef).
  for (const collaboration of (root.rootElements ?? []).filter((element: any) => element.$type === 'bpmn:Collaboration')) {
    collaboration.messageFlows = [];
  }
  const model = describeProcesses(root).find((process) => process.id === key)!;
  const sourceContext = serializer(parsed as any, typeResolver);
  return { key, version, model, sourceContext };
}
