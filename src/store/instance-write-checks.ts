/**
 * Checks every adapter applies to an InstanceWrite before touching the database. A failed
 * check is a programming error in the caller (a plain Error, never a ConflictError, so
 * nobody retries it).
 */
import type { InstanceWrite, TimerRecord } from './port.js';

export function checkCreate(write: InstanceWrite): void {
  if (write.instance.revision !== 1) {
    throw new Error(`create: instance ${write.instance.id} must have revision 1, got ${write.instance.revision}`);
  }
  checkBelongs(write);
}

export function checkSave(write: InstanceWrite, expectedRevision: number): void {
  if (write.instance.revision !== expectedRevision + 1) {
    throw new Error(
      `save: instance ${write.instance.id} must have revision ${expectedRevision + 1} ` +
        `(expectedRevision + 1), got ${write.instance.revision}`,
    );
  }
  checkBelongs(write);
}

function checkBelongs(write: InstanceWrite): void {
  const id = write.instance.id;
  const stray = [
    ...write.tasks.filter((t) => t.instanceId !== id).map((t) => `task ${t.id}`),
    ...write.timers.filter((t) => t.instanceId !== id).map((t) => `timer ${t.id}`),
    ...write.subscriptions.filter((s) => s.instanceId !== id).map((s) => `subscription ${s.id}`),
    ...write.history.filter((h) => h.instanceId !== id).map((h) => `history event ${h.type}`),
    ...(write.outbox ?? []).filter((m) => m.sourceInstanceId !== id).map((m) => `outbox message ${m.id}`),
  ];
  if (stray.length > 0) {
    throw new Error(`write for instance ${id} holds records of another instance: ${stray.join(', ')}`);
  }
}

/** An imported instance: any revision from 1 on, its records its own. */
export function checkRestore(write: InstanceWrite): void {
  if (!Number.isInteger(write.instance.revision) || write.instance.revision < 1) {
    throw new Error(`restore: instance ${write.instance.id} has no valid revision (${write.instance.revision})`);
  }
  if (write.consumesOutbox != null) throw new Error(`restore: instance ${write.instance.id} cannot consume a message`);
  checkBelongs(write);
}

export function checkStartTimers(definitionKey: string, timers: TimerRecord[]): void {
  for (const timer of timers) checkStartTimer(definitionKey, timer);
}

export function checkStartTimer(definitionKey: string, timer: TimerRecord): void {
  if (timer.instanceId !== null || timer.definitionKey !== definitionKey) {
    throw new Error(`timer ${timer.id} is not a start timer of ${definitionKey}`);
  }
}
