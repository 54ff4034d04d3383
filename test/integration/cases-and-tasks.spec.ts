import { expect } from 'chai';
import { errorCode, eventually, openTasksOf, startMelding, startTestServer, type TestServer } from './support/integration-kit.js';

describe('integration: instances, tasks, comments, messages, incidents and timers', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    // A second triagist, so that claims and delegations have someone to meet.
    await t.addUser({ id: 'vt-triagist-2', roles: ['case-worker'], organisation: 'veilig-thuis', groups: ['vt-triage'] });
  });
  after(async () => t?.close());

  describe('POST /api/instances', () => {
    it('should start a case for a starter group and answer 201 with id, key, version, business key and status', async () => {
      const answer = await t.call('POST', '/api/instances', {
        as: 'vt-frontoffice',
        json: { definitionKey: 'test-melding', businessKey: 'VT-2026-001', variables: { melder: 'school' } },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body).to.include({ definitionKey: 'test-melding', version: 1, businessKey: 'VT-2026-001', status: 'active' });
      expect(answer.body.id).to.be.a('string');
    });

    it('should start the named version, and answer 404 for an unknown process or version', async () => {
      expect((await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', version: 1 } })).status).to.equal(201);
      const unknown = await t.call('POST', '/api/instances', { json: { definitionKey: 'bestaat-niet' } });
      expect(unknown.status).to.equal(404);
      expect(errorCode(unknown)).to.equal('definition_not_found');
      expect((await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', version: 42 } })).status).to.equal(404);
    });

    it('should answer 403 to a case worker whose groups may not start the process, and start nothing', async () => {
      const before = t.count('instances');
      const answer = await t.call('POST', '/api/instances', { as: 'vt-triagist', json: { definitionKey: 'test-melding' } });
      expect(answer.status).to.equal(403);
      expect((await t.call('POST', '/api/instances', { as: 'eigenaar', json: { definitionKey: 'test-melding' } })).status).to.equal(403);
      expect(t.count('instances')).to.equal(before);
    });

    it('should answer 422 for a process that only starts by message', async () => {
      const answer = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-zorgmelding' } });
      expect(answer.status).to.equal(422);
      expect(errorCode(answer)).to.equal('no_none_start_event');
    });

    it('should answer 400 for wrong types and unknown fields', async () => {
      const wrong = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', version: 'twee' } });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.error.details[0].path).to.equal('body.version');
      const unknown = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-melding', priority: 1 } });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.details).to.deep.equal([{ path: 'body.priority', message: 'Unknown field' }]);
    });
  });

  describe('GET /api/instances', () => {
    it('should list cases for administrators, filtered by definition, status, business key and version', async () => {
      await startMelding(t, {}, 'VT-FILTER-1');
      const all = await t.call('GET', '/api/instances?definitionKey=test-melding');
      expect(all.status).to.equal(200);
      expect(all.body.items.length).to.be.at.least(3);
      expect(all.body.items.every((item: any) => item.definitionKey === 'test-melding')).to.equal(true);
      const byKey = await t.call('GET', '/api/instances?businessKey=VT-FILTER-1');
      expect(byKey.body.items).to.have.length(1);
      expect(byKey.body.items[0]).to.include({ businessKey: 'VT-FILTER-1', status: 'active', version: 1 });
      expect((await t.call('GET', '/api/instances?status=completed&definitionKey=test-melding')).body.items).to.deep.equal([]);
      expect((await t.call('GET', '/api/instances?version=2&definitionKey=test-melding')).body.items).to.deep.equal([]);
      const paged = await t.call('GET', '/api/instances?limit=1');
      expect(paged.body.items).to.have.length(1);
      expect(paged.body.nextCursor).to.be.a('string');
      const next = await t.call('GET', `/api/instances?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`);
      expect(next.body.items[0].id).not.to.equal(paged.body.items[0].id);
      expect((await t.call('GET', '/api/instances?status=kwijt')).status).to.equal(400);
    });

    it('should refuse the list to everyone but administrators', async () => {
      for (const user of ['vt-triagist', 'eigenaar', 'auditor'] as const) {
        expect((await t.call('GET', '/api/instances', { as: user })).status, user).to.equal(403);
      }
    });
  });

  describe('GET /api/instances/{id} and history', () => {
    it('should show the case with its active elements, tasks, timers and incidents', async () => {
      const { id, taskId } = await startMelding(t, { melder: 'huisarts' }, 'VT-DETAIL');
      const answer = await t.call('GET', `/api/instances/${id}`);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ id, definitionKey: 'test-melding', version: 1, businessKey: 'VT-DETAIL', status: 'active' });
      expect(answer.body.variables).to.deep.equal({ melder: 'huisarts' });
      expect(answer.body.activeElements).to.deep.equal([{ elementId: 'triage', name: 'Veiligheidsbeoordeling', type: answer.body.activeElements[0].type }]);
      expect(answer.body.tasks.map((task: any) => task.id)).to.deep.equal([taskId]);
      expect(answer.body.timers).to.deep.equal([]);
      expect(answer.body.incidents).to.deep.equal([]);
    });

    it('should show the case to a case worker with a task in it, and answer 404 to one without, as for an unknown id', async () => {
      const { id } = await startMelding(t);
      expect((await t.call('GET', `/api/instances/${id}`, { as: 'vt-triagist' })).status).to.equal(200);
      const starter = await t.call('GET', `/api/instances/${id}`, { as: 'vt-frontoffice' });
      const stranger = await t.call('GET', `/api/instances/${id}`, { as: 'agent' });
      const unknown = await t.call('GET', '/api/instances/00000000-0000-0000-0000-000000000000', { as: 'agent' });
      expect([starter.status, stranger.status, unknown.status]).to.deep.equal([404, 404, 404]);
      expect(errorCode(stranger)).to.equal('instance_not_found');
      expect(errorCode(unknown)).to.equal('instance_not_found');
      expect((await t.call('GET', `/api/instances/${id}`, { as: 'auditor' })).status).to.equal(404);
    });

    it('should give the history of a case, oldest first', async () => {
      const { id } = await startMelding(t);
      const history = await t.call('GET', `/api/instances/${id}/history`, { as: 'vt-triagist' });
      expect(history.status).to.equal(200);
      expect(history.body.items[0]).to.include({ type: 'started', actor: 'vt-frontoffice' });
      expect(history.body.items.map((item: any) => item.type)).to.include('task-created');
      expect(history.body.items.every((item: any) => item.data === undefined)).to.equal(true);
      expect((await t.call('GET', `/api/instances/${id}/history`, { as: 'rechercheur' })).status).to.equal(404);
    });
  });

  describe('tasks', () => {
    let id: string;
    let taskId: string;
    before(async () => {
      ({ id, taskId } = await startMelding(t, {}, 'VT-TASK'));
    });

    it('should list a task for its candidate group and not for others', async () => {
      const mine = await t.call('GET', `/api/tasks?instanceId=${id}`, { as: 'vt-triagist' });
      expect(mine.status).to.equal(200);
      expect(mine.body.items).to.have.length(1);
      expect(mine.body.items[0]).to.include({ id: taskId, instanceId: id, definitionKey: 'test-melding', elementId: 'triage', name: 'Veiligheidsbeoordeling', formId: 'test-triage', assignee: null });
      expect(mine.body.items[0].candidateGroups).to.deep.equal(['vt-triage']);
      expect(mine.body.items[0].dueAt.slice(0, 10)).to.equal('2026-04-30');
      for (const user of ['agent', 'vt-onderzoeker', 'vt-frontoffice', 'eigenaar', 'auditor'] as const) {
        expect((await t.call('GET', `/api/tasks?instanceId=${id}`, { as: user })).body.items, user).to.deep.equal([]);
      }
      expect((await t.call('GET', '/api/tasks?businessKey=VT-TASK&candidate=me', { as: 'vt-triagist' })).body.items).to.have.length(1);
      expect((await t.call('GET', '/api/tasks?businessKey=VT-TASK&definitionKey=test-timer', { as: 'vt-triagist' })).body.items).to.have.length(0);
    });

    it('should give the task with its form', async () => {
      const task = await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist' });
      expect(task.status).to.equal(200);
      expect(task.body.form.id).to.equal('test-triage');
      expect(task.body.variables).to.deep.equal({});
    });

    it('should let a candidate claim, answer 409 to a second claimant, and 403 when they unclaim the other\'s task', async () => {
      const claimed = await t.call('POST', `/api/tasks/${taskId}/claim`, { as: 'vt-triagist' });
      expect(claimed.status).to.equal(200);
      expect(claimed.body.assignee).to.equal('vt-triagist');
      expect((await t.call('GET', '/api/tasks?assignee=me', { as: 'vt-triagist' })).body.items.map((task: any) => task.id)).to.include(taskId);
      const second = await t.call('POST', `/api/tasks/${taskId}/claim`, { as: 'vt-triagist-2' });
      expect(second.status).to.equal(409);
      expect(errorCode(second)).to.equal('task_claimed');
      expect((await t.call('POST', `/api/tasks/${taskId}/unclaim`, { as: 'vt-triagist-2' })).status).to.equal(403);
      const unclaimed = await t.call('POST', `/api/tasks/${taskId}/unclaim`, { as: 'vt-triagist' });
      expect(unclaimed.status).to.equal(200);
      expect(unclaimed.body.assignee).to.equal(null);
    });

    it('should delegate only to a candidate of the task (422 otherwise)', async () => {
      const toPolice = await t.call('POST', `/api/tasks/${taskId}/delegate`, { as: 'vt-triagist', json: { userId: 'agent' } });
      expect(toPolice.status).to.equal(422);
      expect(errorCode(toPolice)).to.equal('delegate_not_candidate');
      const toNobody = await t.call('POST', `/api/tasks/${taskId}/delegate`, { as: 'vt-triagist', json: { userId: 'niemand' } });
      expect(toNobody.status).to.equal(422);
      const delegated = await t.call('POST', `/api/tasks/${taskId}/delegate`, { as: 'vt-triagist', json: { userId: 'vt-triagist-2' } });
      expect(delegated.status).to.equal(200);
      expect(delegated.body.assignee).to.equal('vt-triagist-2');
    });

    it('should answer 409 when a candidate completes a task someone else holds, and 403 to an administrator', async () => {
      const other = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist', json: { variables: { urgentie: 'acuut' } } });
      expect(other.status).to.equal(409);
      const admin = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'admin', json: { variables: { urgentie: 'acuut' } } });
      expect(admin.status).to.equal(403);
    });

    it('should answer 422 naming the fields when the form rejects the data, and change nothing', async () => {
      const historyBefore = (await t.call('GET', `/api/instances/${id}/history`)).body.items.length;
      const answer = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist-2', json: { variables: { urgentie: 'misschien', toelichting: 'kort' } } });
      expect(answer.status).to.equal(422);
      const paths = answer.body.error.details.map((detail: any) => detail.path);
      expect(paths.some((path: string) => path.includes('urgentie'))).to.equal(true);
      expect(paths.some((path: string) => path.includes('toelichting'))).to.equal(true);
      expect((await t.call('GET', `/api/instances/${id}/history`)).body.items.length).to.equal(historyBefore);
      expect((await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist-2' })).body.state).to.equal('open');
    });

    it('should complete the task with valid data, ending the case, and answer 409 to a second completion', async () => {
      const done = await t.call('POST', `/api/tasks/${taskId}/complete`, {
        as: 'vt-triagist-2',
        json: { variables: { urgentie: 'niet-acuut', toelichting: 'geen acuut gevaar gezien' } },
      });
      expect(done.status).to.equal(200);
      expect(done.body.task).to.include({ id: taskId, state: 'completed', completedBy: 'vt-triagist-2' });
      expect(done.body.instance).to.deep.equal({ id, status: 'completed' });
      const again = await t.call('POST', `/api/tasks/${taskId}/complete`, { as: 'vt-triagist-2', json: { variables: { urgentie: 'acuut' } } });
      expect(again.status).to.equal(409);
      expect(errorCode(again)).to.equal('task_not_open');
      const completed = await t.call('GET', `/api/tasks?state=completed&instanceId=${id}`, { as: 'vt-triagist' });
      expect(completed.body.items.map((task: any) => task.id)).to.deep.equal([taskId]);
      const instance = await t.call('GET', `/api/instances/${id}`, { as: 'vt-triagist' });
      expect(instance.body.status).to.equal('completed');
      expect(instance.body.variables).to.include({ urgentie: 'niet-acuut' });
    });

    it('should find overdue tasks once their due date has passed', async () => {
      const { taskId: late } = await startMelding(t, {}, 'VT-LATE');
      const before = await t.call('GET', '/api/tasks?overdue=true&businessKey=VT-LATE', { as: 'vt-triagist' });
      expect(before.body.items).to.deep.equal([]);
      t.clock.advance(10 * 24 * 60 * 60_000);
      const after = await t.call('GET', '/api/tasks?overdue=true&businessKey=VT-LATE', { as: 'vt-triagist' });
      expect(after.body.items.map((task: any) => task.id)).to.deep.equal([late]);
    });

    it('should answer 404 for an unknown task on every task endpoint', async () => {
      const unknown = 'bestaat-niet';
      expect((await t.call('GET', `/api/tasks/${unknown}`, { as: 'vt-triagist' })).status).to.equal(404);
      for (const action of ['claim', 'unclaim']) {
        expect((await t.call('POST', `/api/tasks/${unknown}/${action}`, { as: 'vt-triagist' })).status).to.equal(404);
      }
      expect((await t.call('POST', `/api/tasks/${unknown}/delegate`, { as: 'vt-triagist', json: { userId: 'vt-triagist-2' } })).status).to.equal(404);
      expect((await t.call('POST', `/api/tasks/${unknown}/complete`, { as: 'vt-triagist', json: { variables: {} } })).status).to.equal(404);
    });
  });

  describe('comments', () => {
    it('should add comments (201) and show each to the organisations it is for', async () => {
      const { id, taskId } = await startMelding(t);
      const open = await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'Eerste indruk: rustig', taskId } });
      expect(open.status).to.equal(201);
      expect(open.body).to.include({ instanceId: id, taskId, text: 'Eerste indruk: rustig', author: 'vt-triagist', organisation: 'veilig-thuis', visibleTo: null });
      t.clock.advance(1000); // comments are ordered by time (then id)
      const narrow = await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'Alleen VT', visibleTo: ['veilig-thuis'] } });
      expect(narrow.status).to.equal(201);
      expect(narrow.body.visibleTo).to.deep.equal(['veilig-thuis']);

      const list = await t.call('GET', `/api/instances/${id}/comments`, { as: 'vt-triagist' });
      expect(list.status).to.equal(200);
      expect(list.body.items.map((comment: any) => comment.text)).to.deep.equal(['Eerste indruk: rustig', 'Alleen VT']);
      expect((await t.call('GET', `/api/instances/${id}/comments`, { as: 'admin' })).body.items).to.have.length(2);
      expect((await t.call('GET', `/api/instances/${id}/comments`, { as: 'agent' })).status).to.equal(404);
      expect((await t.call('POST', `/api/instances/${id}/comments`, { as: 'agent', json: { text: 'binnendringen' } })).status).to.equal(404);
      expect((await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: 'x', taskId: 'andere-taak' } })).status).to.equal(404);
      expect((await t.call('POST', `/api/instances/${id}/comments`, { as: 'vt-triagist', json: { text: '' } })).status).to.equal(400);
    });
  });

  describe('POST /api/instances/{id}/cancel', () => {
    it('should let an administrator cancel a case, refuse case workers and answer 409 once it ended', async () => {
      const { id, taskId } = await startMelding(t);
      expect((await t.call('POST', `/api/instances/${id}/cancel`, { as: 'vt-triagist', json: { reason: 'fout' } })).status).to.equal(403);
      expect((await t.call('POST', `/api/instances/${id}/cancel`, { as: 'agent', json: { reason: 'fout' } })).status).to.equal(404);
      expect((await t.call('POST', `/api/instances/${id}/cancel`, { json: {} })).status).to.equal(400);
      const cancelled = await t.call('POST', `/api/instances/${id}/cancel`, { json: { reason: 'dubbele melding' } });
      expect(cancelled.status).to.equal(200);
      expect(cancelled.body).to.include({ id, status: 'cancelled' });
      expect((await t.call('GET', `/api/tasks/${taskId}`, { as: 'vt-triagist' })).body.state).to.equal('cancelled');
      const again = await t.call('POST', `/api/instances/${id}/cancel`, { json: { reason: 'nog eens' } });
      expect(again.status).to.equal(409);
    });
  });

  describe('POST /api/messages', () => {
    it('should start a process by message, then correlate the next message to it by its key', async () => {
      const started = await t.call('POST', '/api/messages', { json: { name: 'TestZorgmelding', correlationKey: 'PL-2026-7', variables: { registratienummer: 'PL-2026-7' } } });
      expect(started.status).to.equal(200);
      expect(started.body.correlated).to.deep.equal([]);
      expect(started.body.started).to.have.length(1);
      const instanceId = started.body.started[0].instanceId;
      const instance = await t.call('GET', `/api/instances/${instanceId}`);
      expect(instance.body).to.include({ definitionKey: 'test-zorgmelding', businessKey: 'PL-2026-7' });

      const correlated = await t.call('POST', '/api/messages', { json: { name: 'TestAanvulling', correlationKey: 'PL-2026-7', variables: { aanvulling: 'wapens aanwezig' } } });
      expect(correlated.status).to.equal(200);
      expect(correlated.body).to.deep.equal({ correlated: [{ instanceId }], started: [] });
      const tasks = await openTasksOf(t, instanceId);
      expect(tasks.map((task) => task.elementId)).to.deep.equal(['registratie']);
    });

    it('should answer 404 no_match when nobody waits for the message', async () => {
      const answer = await t.call('POST', '/api/messages', { json: { name: 'TestAanvulling', correlationKey: 'PL-ONBEKEND' } });
      expect(answer.status).to.equal(404);
      expect(errorCode(answer)).to.equal('no_match');
    });

    it('should refuse messages from case workers', async () => {
      const before = t.count('instances');
      expect((await t.call('POST', '/api/messages', { as: 'agent', json: { name: 'TestZorgmelding', correlationKey: 'PL-X' } })).status).to.equal(403);
      expect(t.count('instances')).to.equal(before);
    });
  });

  describe('incidents', () => {
    it('should show a failing webhook as an incident and retry it (administrators)', async () => {
      t.webhook.failures = 1;
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-webhook', variables: { zaak: 'Z-1', geheim: 'niet meesturen' } } });
      expect(started.status).to.equal(201);
      expect(started.body.status).to.equal('incident');
      const instance = await t.call('GET', `/api/instances/${started.body.id}`);
      expect(instance.body.incidents).to.have.length(1);
      const incident = instance.body.incidents[0];
      expect(incident.elementId).to.equal('informeer');
      expect(incident.message).to.contain('500');
      const listed = await t.call('GET', '/api/instances?withIncidents=true');
      expect(listed.body.items.map((item: any) => item.id)).to.include(started.body.id);

      expect((await t.call('POST', `/api/instances/${started.body.id}/incidents/${incident.id}/retry`, { as: 'vt-triagist' })).status).to.equal(404);
      expect((await t.call('POST', `/api/instances/${started.body.id}/incidents/bestaat-niet/retry`)).status).to.equal(404);
      const retried = await t.call('POST', `/api/instances/${started.body.id}/incidents/${incident.id}/retry`);
      expect(retried.status).to.equal(200);
      expect(retried.body.status).to.equal('completed');
      expect(t.webhook.calls).to.have.length(2);
      const sent = JSON.parse(t.webhook.calls[1]!.body);
      expect(sent.variables).to.deep.equal({ zaak: 'Z-1' });
      expect(t.webhook.calls[1]!.headers['x-samenspel-signature']).to.match(/^sha256=[0-9a-f]{64}$/);
    });
  });

  describe('timers and metrics', () => {
    it('should fire a due timer from the scheduler once the clock passes it', async () => {
      const started = await t.call('POST', '/api/instances', { json: { definitionKey: 'test-timer' } });
      const waiting = await t.call('GET', `/api/instances/${started.body.id}`);
      expect(waiting.body.timers).to.have.length(1);
      expect(waiting.body.timers[0].elementId).to.equal('wacht');
      t.clock.advance(2 * 60 * 60_000);
      await eventually(async () => (await t.call('GET', `/api/instances/${started.body.id}`)).body.status === 'completed');
    });

    it('should count instances, task completions, incidents and timer lag in /metrics', async () => {
      const metrics = await t.call('GET', '/metrics', { as: false });
      expect(metrics.status).to.equal(200);
      expect(metrics.headers.get('content-type')).to.match(/^text\/plain/);
      const value = (name: string) => {
        const line = metrics.text.split('\n').find((candidate) => candidate.startsWith(name));
        return line === undefined ? undefined : Number(line.split(' ').pop());
      };
      expect(value('samenspel_instances_started_total{definition_key="test-melding"}')).to.be.at.least(5);
      expect(value('samenspel_instances_completed_total{definition_key="test-melding"}')).to.equal(1);
      expect(value('samenspel_task_completions_total{definition_key="test-melding"}')).to.equal(1);
      expect(value('samenspel_incidents_total{definition_key="test-webhook"}')).to.equal(1);
      expect(value('samenspel_timer_lag_seconds_count')).to.equal(1);
      expect(value('samenspel_timer_lag_seconds_sum')).to.be.at.least(3600 - 1);
      expect(metrics.text).to.contain('samenspel_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/tasks/:id/complete"');
    });
  });
});
