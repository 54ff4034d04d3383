import type { Variables } from '../../store/port.js';

/** What a service or send task hands to its connector. */
export interface ConnectorCall {
  instanceId: string;
  elementId: string;
  /** Stable across retries of one task execution: receivers use it to drop duplicates. */
  idempotencyKey: string;
  /** zeebe:taskHeaders of the task: the connector's per-task configuration. */
  headers: Record<string, string>;
  /** The task's zeebe:input mappings, evaluated. */
  variables: Variables;
}

/**
 * A named integration a diagram may call (`zeebe:taskDefinition type`). Throwing makes an
 * incident on the task; the task is called again on retry, so connectors must be
 * idempotent or pass the idempotency key on.
 */
export interface Connector {
  readonly type: string;
  invoke(call: ConnectorCall): Promise<Variables>;
}
