import type { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { EngineAdapter } from '../engine/engine-adapter.js';
import type { Store } from '../store/port.js';
import type { DefinitionRegistry } from './definition-registry.js';
import type { KeyedMutex } from './keyed-mutex.js';

/** What every runtime command is given; built once by createRuntime. */
export interface RuntimeContext {
  store: Store;
  engine: EngineAdapter;
  definitions: DefinitionRegistry;
  clock: Clock;
  ids: () => string;
  /** Per-instance serialisation inside this process. */
  locks: KeyedMutex;
  /** 'instance-changed' (InstanceWrite) after every saved step. */
  events: EventEmitter;
  /** This node's name, the owner of the leases it takes. */
  nodeId: string;
}
