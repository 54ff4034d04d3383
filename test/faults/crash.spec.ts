/**
 * Crash: a real server process under a steady load of starts and completions (several
 * concurrent loops over fetch) is killed with SIGKILL at random moments, at least 20 times.
 * Every acknowledged command (a 2xx answer) is recorded; after each restart, and once more
 * after the last stop, the database must hold every acknowledged command exactly once, no
 * instance may be half-written (its tasks and history match where it waits), and the audit
 * chain verifies.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { api, kill, makeDirs, NS, signIn, sleep, startChild, type ChildServer } from './child-server.js';

/** start -> eerste (vt-triage) -> tweede (vt-triage) -> end. */
const xmlNamed = (name: string) => XML.replace('name="Crashproef"', `name="${name}"`);
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_crash" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="crash" name="Crashproef" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="samenspel.starterGroups" value="vt-frontoffice" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" name="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="eerste" />
    <bpmn:userTask id="eerste" name="Eerste"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="eerste" targetRef="tweede" />
    <bpmn:userTask id="tweede" name="Tweede"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="tweede" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>
</bpmn:definitions>
`;

const KILLS = Number(process.env.SAMENSPEL_FAULT_KILLS ?? 20);
const LOOPS = 4;

describe('faults: SIGKILL under load', function () {
  this.timeout(180_000);

  it(`should keep every acknowledged start and completion exactly once over ${KILLS} kills`, async () => {
    const dirs = await makeDirs({ 'crash.bpmn': XML });
    const env = { SAMENSPEL_DATA_DIR: dirs.dataDir, SAMENSPEL_PROCESSES_DIR: dirs.processesDir, SAMENSPEL_LOG_LEVEL: 'silent' };
    const dbFile = path.join(dirs.dataDir, 'samenspel.db');
    const startedIds = new Set<string>();
    const startedKeys = new Map<string, string>(); // businessKey -> id
    const completedTasks = new Set<string>();
    const pool: string[] = []; // instances that may still have an open task
    const startTimes: number[] = [];
    let requests = 0;
    let refusedByCrash = 0;
    let startupKills = 0;
    let lastName = 'Crashproef';
    let server: ChildServer | null = null;
    try {
      server = await startChild(env);
      const starter = await signIn(server.url, 'vt-frontoffice');
      const worker = await signIn(server.url, 'vt-triagist');
      const auditor = await signIn(server.url, 'auditor');
      let next = 0;

      /** One load loop: starts and completions until `stop`; answers lost to the kill are ignored. */
      const loop = async (url: string, stop: { now: boolean }) => {
        while (!stop.now) {
          try {
            requests += 1;
            if (pool.length < 3 || Math.random() < 0.35) {
              const businessKey = `bk-${process.pid}-${next++}`;
              const answer = await api(url, starter, 'POST', '/api/instances', { definitionKey: 'crash', businessKey });
              if (answer.status === 201) {
                startedIds.add(answer.body.id);
                startedKeys.set(businessKey, answer.body.id);
                pool.push(answer.body.id);
              }
            } else {
              const id = pool[Math.floor(Math.random() * pool.length)];
              const tasks = await api(url, worker, 'GET', `/api/tasks?instanceId=${encodeURIComponent(id)}`);
              const open = (tasks.body?.items ?? []).filter((task: any) => task.state === 'open' || task.state === undefined);
              if (tasks.status === 200 && open.length === 0) {
                pool.splice(pool.indexOf(id), 1);
                continue;
              }
              if (open.length === 0) continue;
              const answer = await api(url, worker, 'POST', `/api/tasks/${open[0].id}/complete`, { variables: {} });
              if (answer.status >= 200 && answer.status < 300) {
                expect(completedTasks.has(open[0].id), `task ${open[0].id} acknowledged twice`).to.equal(false);
                completedTasks.add(open[0].id);
              }
            }
          } catch (err) {
            if ((err as Error).name === 'AssertionError') throw err;
            refusedByCrash += 1; // the connection died with the server
            await sleep(5);
          }
        }
      };

      for (let round = 1; round <= KILLS; round++) {
        const stop = { now: false };
        const loops = Array.from({ length: LOOPS }, () => loop(server!.url, stop));
        await sleep(250 + Math.random() * 550);
        await kill(server);
        stop.now = true;
        await Promise.all(loops);
        if (round % 4 === 0) {
          // A new version of the process in the folder, and a kill while the server starts
          // (opening the store, deploying the folder) or right after.
          lastName = `Crashproef ${round}`;
          await writeFile(path.join(dirs.processesDir, 'crash.bpmn'), xmlNamed(lastName));
          const starting = await startChild(env, { waitHealthy: false });
          await sleep(200 + Math.random() * 1300);
          await kill(starting);
          startupKills += 1;
        }
        server = await startChild(env);
        startTimes.push(server.startMs);
        checkDefinitions(dbFile, lastName);
        checkDatabase(dbFile, startedIds, startedKeys, completedTasks);
        const verify = await api(server.url, auditor, 'GET', '/api/audit/verify');
        expect(verify.status, JSON.stringify(verify.body)).to.equal(200);
        expect(verify.body.valid ?? verify.body.ok, JSON.stringify(verify.body)).to.equal(true);
      }

      // Through the API as well: every acknowledged instance and completed task is there.
      const admin = await signIn(server.url, 'admin');
      for (const id of [...startedIds].slice(0, 50)) expect((await api(server.url, admin, 'GET', `/api/instances/${id}`)).status).to.equal(200);
      for (const id of [...completedTasks].slice(0, 50)) {
        const task = await api(server.url, admin, 'GET', `/api/tasks/${id}`);
        expect([task.status, task.body.state]).to.deep.equal([200, 'completed']);
      }
      await kill(server);
      server = null;
      const checked = checkDatabase(dbFile, startedIds, startedKeys, completedTasks);
      const sorted = [...startTimes].sort((a, b) => a - b);
      console.log(
        `      crash: ${KILLS} kills under load and ${startupKills} during start-up, ${requests} requests (${refusedByCrash} cut off by a kill), ` +
          `${startedIds.size} acknowledged starts, ${completedTasks.size} acknowledged completions, ` +
          `${checked.instances} instances / ${checked.tasks} tasks checked; restart to healthy p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`,
      );
      expect(startedIds.size).to.be.greaterThan(KILLS);
      expect(completedTasks.size).to.be.greaterThan(KILLS);
    } finally {
      if (server) await kill(server);
      await rm(dirs.root, { recursive: true, force: true });
    }
  });
});

/** Deployed versions of the crash process: 1..n without gaps, the newest is the folder's file. */
function checkDefinitions(file: string, name: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const versions = db.prepare("SELECT version, name FROM definition_versions WHERE key = 'crash' ORDER BY version").all() as { version: number; name: string }[];
    expect(versions.map((row) => row.version)).to.deep.equal(versions.map((_, index) => index + 1));
    expect(versions.at(-1)?.name).to.equal(name);
    expect(new Set(versions.map((row) => row.name)).size, 'each version deployed once').to.equal(versions.length);
  } finally {
    db.close();
  }
}

/** Reads the database over its own read-only connection and checks every invariant. */
function checkDatabase(file: string, startedIds: Set<string>, startedKeys: Map<string, string>, completedTasks: Set<string>): { instances: number; tasks: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const instances = db.prepare('SELECT id, business_key, status, revision FROM instances').all() as { id: string; business_key: string; status: string; revision: number }[];
    const tasks = db.prepare('SELECT id, instance_id, element_id, state FROM tasks').all() as { id: string; instance_id: string; element_id: string; state: string }[];
    const history = db.prepare("SELECT instance_id, type, data FROM history WHERE type IN ('started', 'task-completed')").all() as { instance_id: string; type: string; data: string | null }[];

    const byId = new Map(instances.map((row) => [row.id, row]));
    // Every acknowledged start is there, under its business key, once.
    for (const id of startedIds) expect(byId.has(id), `acknowledged instance ${id} is missing`).to.equal(true);
    const perKey = new Map<string, number>();
    for (const row of instances) perKey.set(row.business_key, (perKey.get(row.business_key) ?? 0) + 1);
    for (const [key, count] of perKey) expect(count, `business key ${key} started ${count} times`).to.equal(1);
    for (const [key, id] of startedKeys) expect(byId.get(id)?.business_key).to.equal(key);

    // Every acknowledged completion is there.
    const taskById = new Map(tasks.map((row) => [row.id, row]));
    for (const id of completedTasks) expect(taskById.get(id)?.state, `acknowledged completion of ${id}`).to.equal('completed');

    // History: one started per instance, one task-completed per completed task, none for others.
    const started = new Map<string, number>();
    const completions = new Map<string, number>();
    for (const event of history) {
      if (event.type === 'started') started.set(event.instance_id, (started.get(event.instance_id) ?? 0) + 1);
      else {
        const taskId = (JSON.parse(event.data ?? '{}') as { taskId?: string }).taskId!;
        completions.set(taskId, (completions.get(taskId) ?? 0) + 1);
      }
    }
    for (const task of tasks) {
      expect(completions.get(task.id) ?? 0, `task-completed events of ${task.id} (${task.state})`).to.equal(task.state === 'completed' ? 1 : 0);
    }

    // No instance half-written: its tasks match where it waits.
    const tasksOf = new Map<string, typeof tasks>();
    for (const task of tasks) tasksOf.set(task.instance_id, [...(tasksOf.get(task.instance_id) ?? []), task]);
    for (const instance of instances) {
      expect(started.get(instance.id) ?? 0, `started events of ${instance.id}`).to.equal(1);
      const own = tasksOf.get(instance.id) ?? [];
      const shape = own.map((task) => `${task.element_id}:${task.state}`).sort().join(',');
      const expected =
        instance.status === 'completed' ? ['eerste:completed,tweede:completed'] : ['eerste:open', 'eerste:completed,tweede:open'];
      expect(expected, `instance ${instance.id} (${instance.status}, revision ${instance.revision}) has tasks ${shape}`).to.include(shape);
      expect(['active', 'completed']).to.include(instance.status);
    }
    return { instances: instances.length, tasks: tasks.length };
  } finally {
    db.close();
  }
}
