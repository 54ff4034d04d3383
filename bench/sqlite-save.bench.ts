/**
 * Cost of InstanceStore.save on the SQLite store with synchronous=FULL (the default: every
 * commit syncs the WAL) against synchronous=NORMAL (syncs only at checkpoints; loses
 * acknowledged commits on power failure). Run: npx tsx bench/sqlite-save.bench.ts [saves]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceRecord, InstanceWrite, Store } from '../src/store/port.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';

const saves = Number(process.argv[2] ?? 1000);

function instance(id: string): InstanceRecord {
  const now = new Date().toISOString();
  return {
    id,
    definitionKey: 'melding-veilig-thuis',
    definitionVersion: 1,
    businessKey: 'PL-2026-001',
    status: 'active',
    variables: { melder: 'politie', kinderen: [{ leeftijd: 4 }, { leeftijd: 7 }], notitie: 'x'.repeat(500) },
    engineState: { state: 'running', definitions: [{ id: 'def', executions: Array.from({ length: 5 }, (_, i) => ({ id: `exec-${i}`, data: 'y'.repeat(200) })) }] },
    incidents: [],
    revision: 1,
    startedAt: now,
    startedBy: 'bench',
    endedAt: null,
    updatedAt: now,
  };
}

function write(record: InstanceRecord, round: number): InstanceWrite {
  const at = new Date().toISOString();
  return {
    instance: record,
    tasks: [
      {
        id: `${record.id}-task-${round}`,
        executionId: `exec-${round}`,
        instanceId: record.id,
        definitionKey: record.definitionKey,
        definitionVersion: 1,
        businessKey: record.businessKey,
        elementId: 'triage',
        name: 'Veiligheidsbeoordeling',
        state: 'open',
        assignee: null,
        candidateGroups: ['vt-triage'],
        candidateUsers: [],
        formId: null,
        formVersion: null,
        dueAt: at,
        followUpAt: null,
        createdAt: at,
        completedAt: null,
        completedBy: null,
        input: {},
      },
    ],
    timers: [
      {
        id: `${record.id}-timer-${round}`,
        instanceId: record.id,
        definitionKey: record.definitionKey,
        definitionVersion: 1,
        elementId: 'deadline',
        timerType: 'timeDuration',
        dueAt: at,
        repetitionsLeft: null,
        ref: { executionId: `exec-${round}` },
        leaseOwner: null,
        leaseUntil: null,
      },
    ],
    subscriptions: [],
    history: [{ instanceId: record.id, at, type: 'task-created', elementId: 'triage', actor: 'bench' }],
  };
}

async function run(synchronous: 'FULL' | 'NORMAL'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'samenspel-bench-'));
  const store: Store = await openSqliteStore({ file: join(dir, 'bench.db'), synchronous });
  try {
    let current = instance('bench-1');
    await store.instances.create({ ...write(current, 0), tasks: [], timers: [] });
    const started = process.hrtime.bigint();
    for (let round = 1; round <= saves; round++) {
      const next = { ...current, revision: current.revision + 1, updatedAt: new Date().toISOString() };
      await store.instances.save(write(next, round), current.revision);
      current = next;
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const) {
  const ms = await run(mode);
  console.log(`synchronous=${mode.padEnd(6)} ${saves} saves: ${ms.toFixed(0)} ms, ${((ms * 1000) / saves).toFixed(0)} µs/save`);
}
