/**
 * Timers under restarts: timers that fall due while the server is down (killed with SIGKILL)
 * fire exactly once after the restart, on one node and with two nodes started together on
 * the same SQLite file. Two processes: a timer catch event (start -> wait 3 s -> task) and an
 * interrupting boundary timer on a user task (werk + 3 s -> escalatie).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { api, kill, makeDirs, NS, signIn, sleep, startChild, type ChildServer } from './child-server.js';

const DUE_MS = 3000;
const PER_PROCESS = 15;

const starters = `<bpmn:extensionElements><zeebe:properties><zeebe:property name="samenspel.starterGroups" value="vt-frontoffice" /></zeebe:properties></bpmn:extensionElements>`;
const task = (id: string) => `<bpmn:userTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>`;
const timer = `<bpmn:timerEventDefinition><bpmn:timeDuration>PT${DUE_MS / 1000}S</bpmn:timeDuration></bpmn:timerEventDefinition>`;

const CATCH_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_t_catch" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="t-catch" name="Wachten" isExecutable="true">${starters}
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wacht" />
    <bpmn:intermediateCatchEvent id="wacht">${timer}</bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wacht" targetRef="taak" />
    ${task('taak')}
    <bpmn:sequenceFlow id="f3" sourceRef="taak" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

const BOUNDARY_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_t_boundary" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
  <bpmn:process id="t-boundary" name="Termijn" isExecutable="true">${starters}
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="werk" />
    ${task('werk')}
    <bpmn:boundaryEvent id="termijn" attachedToRef="werk">${timer}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="werk" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="termijn" targetRef="escalatie" />
    ${task('escalatie')}
    <bpmn:sequenceFlow id="f4" sourceRef="escalatie" targetRef="end2" />
    <bpmn:endEvent id="end" />
    <bpmn:endEvent id="end2" />
  </bpmn:process>
</bpmn:definitions>
`;

describe('faults: timers due during downtime', function () {
  this.timeout(120_000);

  for (const nodes of [1, 2]) {
    it(`should fire each timer exactly once after a SIGKILL and a restart of ${nodes} node${nodes === 1 ? '' : 's'}`, async () => {
      const dirs = await makeDirs({ 'catch.bpmn': CATCH_XML, 'boundary.bpmn': BOUNDARY_XML });
      const env = { SAMENSPEL_DATA_DIR: dirs.dataDir, SAMENSPEL_PROCESSES_DIR: dirs.processesDir, SAMENSPEL_LOG_LEVEL: 'silent', SAMENSPEL_TIMER_POLL_MS: '100' };
      const running: ChildServer[] = [];
      try {
        const first = await startChild({ ...env, SAMENSPEL_NODE_ID: 'eerste' });
        running.push(first);
        const starter = await signIn(first.url, 'vt-frontoffice');
        const ids: Record<string, string[]> = { 't-catch': [], 't-boundary': [] };
        // Started five at a time, so that all are in well before the first timer is due.
        const began = Date.now();
        const work = Object.keys(ids).flatMap((key) => Array.from({ length: PER_PROCESS }, () => key));
        await Promise.all(
          Array.from({ length: 5 }, async () => {
            for (let key = work.pop(); key !== undefined; key = work.pop()) {
              const answer = await api(first.url, starter, 'POST', '/api/instances', { definitionKey: key });
              expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
              ids[key].push(answer.body.id);
            }
          }),
        );
        const lastStart = Date.now();
        expect(lastStart - began, 'all cases started before the first timer is due').to.be.below(DUE_MS - 500);
        const allDue = lastStart + DUE_MS; // every timer is due by then
        await kill(first);
        const killedAt = Date.now();
        running.length = 0;
        const pending = countTimers(dirs.dataDir);
        expect(pending, 'timers pending at the kill').to.equal(2 * PER_PROCESS);

        // Down past every due time.
        await sleep(Math.max(0, allDue + 500 - Date.now()));
        const downtime = Date.now() - killedAt;
        const back = Date.now();
        const restarted = await Promise.all(Array.from({ length: nodes }, (_, n) => startChild({ ...env, SAMENSPEL_NODE_ID: `knoop-${n + 1}` })));
        running.push(...restarted);
        const until = Date.now() + 30_000;
        while (countTimers(dirs.dataDir) > 0) {
          if (Date.now() > until) throw new Error(`timers left: ${countTimers(dirs.dataDir)}`);
          await sleep(50);
        }
        const firedWithin = Date.now() - back;
        await sleep(1000); // room for a second firing, if any
        let contested = '';
        if (running.length === 2) {
          // Both nodes on one SQLite file: each task completed through both at the same moment;
          // exactly one completion wins, the other answers 409.
          const [a, b] = running;
          const tokens = await Promise.all(running.map((node) => signIn(node.url, 'vt-triagist')));
          const db = new Database(path.join(dirs.dataDir, 'samenspel.db'), { readonly: true, fileMustExist: true });
          const open = (db.prepare("SELECT id FROM tasks WHERE state = 'open'").all() as { id: string }[]).map((row) => row.id);
          db.close();
          const statuses: Record<number, number> = {};
          for (const taskId of open) {
            const answers = await Promise.all([
              api(a.url, tokens[0], 'POST', `/api/tasks/${taskId}/complete`, { variables: {} }),
              api(b.url, tokens[1], 'POST', `/api/tasks/${taskId}/complete`, { variables: {} }),
            ]);
            const codes = answers.map((answer) => answer.status).sort();
            for (const code of codes) statuses[code] = (statuses[code] ?? 0) + 1;
            expect(codes, `completions of ${taskId}: ${JSON.stringify(answers.map((answer) => answer.body))}`).to.deep.equal([200, 409]);
          }
          contested = `; ${open.length} tasks completed through both nodes at once: ${JSON.stringify(statuses)}`;
        }
        for (const server of running) await kill(server);
        running.length = 0;

        const db = new Database(path.join(dirs.dataDir, 'samenspel.db'), { readonly: true, fileMustExist: true });
        try {
          for (const [key, list] of Object.entries(ids)) {
            for (const id of list) {
              const fired = db.prepare("SELECT COUNT(*) AS n FROM history WHERE instance_id = ? AND type = 'timer-fired'").get(id) as { n: number };
              expect(fired.n, `timer-fired events of ${key} ${id}`).to.equal(1);
              const tasks = (db.prepare('SELECT element_id, state FROM tasks WHERE instance_id = ? ORDER BY element_id').all(id) as { element_id: string; state: string }[])
                .map((row) => `${row.element_id}:${row.state}`);
              const state = nodes === 2 ? 'completed' : 'open';
              expect(tasks, `tasks of ${key} ${id}`).to.deep.equal(key === 't-catch' ? [`taak:${state}`] : [`escalatie:${state}`, 'werk:cancelled']);
              const instance = db.prepare('SELECT status FROM instances WHERE id = ?').get(id) as { status: string };
              expect(instance.status).to.equal(nodes === 2 ? 'completed' : 'active');
              const completions = db.prepare("SELECT COUNT(*) AS n FROM history WHERE instance_id = ? AND type = 'task-completed'").get(id) as { n: number };
              expect(completions.n).to.equal(nodes === 2 ? 1 : 0);
            }
          }
        } finally {
          db.close();
        }
        console.log(`      timers, ${nodes} node(s): ${2 * PER_PROCESS} timers due during ${downtime} ms of downtime, all fired ${firedWithin} ms after the restart began (start-up included), each exactly once${contested}`);
      } finally {
        for (const server of running) await kill(server);
        await rm(dirs.root, { recursive: true, force: true });
      }
    });
  }
});

function countTimers(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'samenspel.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM timers').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
