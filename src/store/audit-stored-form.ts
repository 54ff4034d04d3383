import type { AuditEntryInput } from './port.js';

/**
 * The entry as every store keeps and returns it (fields in the port's order, details
 * through a JSON round trip), so that the hash an adapter computes on append is over
 * exactly what a later verifier reads back — whichever adapter stored it.
 */
export function storedAuditForm(entry: AuditEntryInput): AuditEntryInput {
  const input: AuditEntryInput = {
    at: entry.at,
    actor: entry.actor,
    role: entry.role,
    organisation: entry.organisation,
    action: entry.action,
    resource: entry.resource,
    instanceId: entry.instanceId,
    outcome: entry.outcome,
  };
  if (entry.details !== undefined) input.details = JSON.parse(JSON.stringify(entry.details ?? null)) as Record<string, unknown>;
  return input;
}
