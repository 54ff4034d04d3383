import { expect } from 'chai';
import { ConflictError, InvalidError, NotFoundError } from '../../src/errors.js';
import { bpmn, createHarness, ScriptedConnector, userTask, type Harness } from '../support/runtime-harness.js';

const triageForm = {
  id: 'triage',
  type: 'default',
  components: [
    {
      type: 'select',
      key: 'urgentie',
      label: 'Urgentie',
      validate: { required: true },
      values: [
        { label: 'Acuut', value: 'acuut' },
        { label: 'Niet acuut', value: 'niet-acuut' },
      ],
    },
    { type: 'textarea', key: 'toelichting', label: 'Toelichting', validate: { minLength: 10 } },
  ],
};

const routedProcess = bpmn(`
  <bpmn:process id="melding" name="Melding" isExecutable="true">
    <bpmn:startEvent id="start" name="Melding ontvangen" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    ${userTask('triage', 'Triage', 'vt-triage', '<zeebe:formDefinition formId="triage" /><zeebe:taskSchedule dueDate="=add working days(now(), 5)" />')}
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" name="Acuut?" default="f4" />
    <bpmn:sequenceFlow id="f3" name="ja" sourceRef="gw" targetRef="ingrijpen"><bpmn:conditionExpression>=urgentie = "acuut"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" name="nee" sourceRef="gw" targetRef="onderzoek" />
    ${userTask('ingrijpen', 'Direct ingrijpen', 'vt-teamleider')}
    ${userTask('onderzoek', 'Onderzoek', 'vt-onderzoek')}
    <bpmn:sequenceFlow id="f5" sourceRef="ingrijpen" targetRef="end" />
    <bpmn:sequenceFlow id="f6" sourceRef="onderzoek" targetRef="end" />
    <bpmn:endEvent id="end" name="Klaar" />
  </bpmn:process>`);

async function openTasks(h: Harness, instanceId: string) {
  return (await h.store.instances.tasksOfInstance(instanceId)).filter((task) => task.state === 'open');
}

describe('runtime', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  describe('routing', () => {
    beforeEach(async () => {
      h = await createHarness();
      await h.deploy(routedProcess, { triage: triageForm });
    });

    it('should route an exclusive gateway by the FEEL condition on completed task data', async () => {
      const acute = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      const calm = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      const [acuteTask] = await openTasks(h, acute.instance.id);
      const [calmTask] = await openTasks(h, calm.instance.id);

      await h.runtime.completeTask(acuteTask.id, { urgentie: 'acuut', toelichting: 'kinderen in huis, dreiging' }, 'vt-triagist');
      await h.runtime.completeTask(calmTask.id, { urgentie: 'niet-acuut' }, 'vt-triagist');

      expect((await openTasks(h, acute.instance.id)).map((t) => t.elementId)).to.deep.equal(['ingrijpen']);
      expect((await openTasks(h, calm.instance.id)).map((t) => t.elementId)).to.deep.equal(['onderzoek']);
      const stored = await h.store.instances.get(acute.instance.id);
      expect(stored?.variables).to.include({ urgentie: 'acuut' });
    });

    it('should give a user task its assignment, form and a due date 5 working days later', async () => {
      // Wednesday 22 April 2026: King's Day (Monday 27 April) and the weekend are skipped.
      const started = await h.runtime.startInstance({ definitionKey: 'melding', businessKey: 'VT-1' }, 'vt-frontoffice');
      const [task] = await openTasks(h, started.instance.id);
      expect(task).to.include({ elementId: 'triage', name: 'Triage', formId: 'triage', businessKey: 'VT-1' });
      expect(task.candidateGroups).to.deep.equal(['vt-triage']);
      expect(task.dueAt?.slice(0, 10)).to.equal('2026-04-30');
    });

    it('should reject form data that breaks the form and change nothing', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      const [task] = await openTasks(h, started.instance.id);
      const before = await h.store.instances.get(started.instance.id);

      let error: unknown;
      try {
        await h.runtime.completeTask(task.id, { urgentie: 'misschien', toelichting: 'kort' }, 'vt-triagist');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(InvalidError);
      const paths = (error as InvalidError).details.map((d) => d.path);
      expect(paths).to.include.members(['urgentie', 'toelichting']);
      const after = await h.store.instances.get(started.instance.id);
      expect(after?.revision).to.equal(before?.revision);
      expect((await h.store.instances.getTask(task.id))?.state).to.equal('open');
    });

    it('should let exactly one of four concurrent completions of a task win', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      const [task] = await openTasks(h, started.instance.id);
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map((n) => h.runtime.completeTask(task.id, { urgentie: 'niet-acuut' }, `user-${n}`)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).to.have.length(3);
      for (const r of rejected) expect(r.reason).to.be.instanceOf(ConflictError);
      expect((await openTasks(h, started.instance.id)).map((t) => t.elementId)).to.deep.equal(['onderzoek']);
    });

    it('should keep a waiting instance across a restart and complete it afterwards', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      await h.restart();
      const [task] = await openTasks(h, started.instance.id);
      await h.runtime.completeTask(task.id, { urgentie: 'acuut' }, 'vt-triagist');
      const [next] = await openTasks(h, started.instance.id);
      expect(next.elementId).to.equal('ingrijpen');
      await h.restart();
      await h.runtime.completeTask(next.id, {}, 'vt-teamleider');
      const done = await h.store.instances.get(started.instance.id);
      expect(done?.status).to.equal('completed');
      expect(done?.engineState).to.equal(null);
      const types = (await h.store.instances.history(started.instance.id)).map((e) => e.type);
      expect(types).to.include.members(['started', 'task-created', 'task-completed', 'completed']);
    });

    it('should answer claim conflicts and record claims in the history', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      const [task] = await openTasks(h, started.instance.id);
      await h.runtime.claimTask(task.id, 'anna');
      let error: unknown;
      try {
        await h.runtime.claimTask(task.id, 'bram');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConflictError);
      await h.runtime.unclaimTask(task.id, 'anna');
      expect((await h.store.instances.getTask(task.id))?.assignee).to.equal(null);
      // The engine cache was keyed by the old revision: completion still works.
      await h.runtime.completeTask(task.id, { urgentie: 'acuut' }, 'bram');
      expect((await openTasks(h, started.instance.id)).map((t) => t.elementId)).to.deep.equal(['ingrijpen']);
    });

    it('should cancel an instance with its open tasks', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'melding' }, 'vt-frontoffice');
      await h.runtime.cancelInstance(started.instance.id, 'dubbele melding', 'admin');
      expect((await h.store.instances.get(started.instance.id))?.status).to.equal('cancelled');
      expect(await openTasks(h, started.instance.id)).to.deep.equal([]);
    });
  });

  describe('timers', () => {
    const escalating = bpmn(`
      <bpmn:process id="triage-termijn" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
        ${userTask('triage', 'Triage', 'vt-triage')}
        <bpmn:boundaryEvent id="termijn" name="5 werkdagen" attachedToRef="triage" cancelActivity="false">
          <bpmn:timerEventDefinition><bpmn:timeDate>=add working days(now(), 5)</bpmn:timeDate></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="termijn" targetRef="opschalen" />
        ${userTask('opschalen', 'Opschalen', 'vt-teamleider')}
        <bpmn:sequenceFlow id="f3" sourceRef="opschalen" targetRef="end2" />
        <bpmn:endEvent id="end2" />
        <bpmn:sequenceFlow id="f4" sourceRef="triage" targetRef="wacht" />
        <bpmn:intermediateCatchEvent id="wacht" name="40 dagen">
          <bpmn:timerEventDefinition><bpmn:timeDuration>P40D</bpmn:timeDuration></bpmn:timerEventDefinition>
        </bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f5" sourceRef="wacht" targetRef="end" />
        <bpmn:endEvent id="end" />
      </bpmn:process>`);

    beforeEach(async () => {
      h = await createHarness({ start: '2026-04-22T09:00:00.000Z' });
      await h.deploy(escalating);
    });

    it('should store a boundary timer with its working-day due time and fire it only when due', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'triage-termijn' }, 'vt-frontoffice');
      const [timer] = await h.store.instances.timersOfInstance(started.instance.id);
      expect(timer.elementId).to.equal('termijn');
      expect(timer.dueAt).to.equal('2026-04-30T09:00:00.000Z');

      h.clock.set('2026-04-30T08:59:00.000Z');
      expect(await h.runtime.scheduler.runDue()).to.equal(0);
      h.clock.set('2026-04-30T09:00:01.000Z');
      expect(await h.runtime.scheduler.runDue()).to.equal(1);
      const open = (await openTasks(h, started.instance.id)).map((t) => t.elementId).sort();
      expect(open).to.deep.equal(['opschalen', 'triage']);
    });

    it('should fire a timer that fell due while the server was down, once', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'triage-termijn' }, 'vt-frontoffice');
      await h.restart();
      h.clock.set('2026-05-20T09:00:00.000Z');
      expect(await h.runtime.scheduler.runDue()).to.equal(1);
      expect(await h.runtime.scheduler.runDue()).to.equal(0);
      const escalations = (await openTasks(h, started.instance.id)).filter((t) => t.elementId === 'opschalen');
      expect(escalations).to.have.length(1);
      const fired = (await h.store.instances.history(started.instance.id)).filter((e) => e.type === 'timer-fired');
      expect(fired).to.have.length(1);
    });

    it('should keep and fire a timer longer than 24.8 days (P40D)', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'triage-termijn' }, 'vt-frontoffice');
      const triage = (await openTasks(h, started.instance.id)).find((t) => t.elementId === 'triage')!;
      await h.runtime.completeTask(triage.id, {}, 'vt-triagist');
      const timers = await h.store.instances.timersOfInstance(started.instance.id);
      expect(timers.map((t) => t.elementId)).to.deep.equal(['wacht']);
      expect(timers[0].dueAt).to.equal('2026-06-01T09:00:00.000Z');
      h.clock.set('2026-06-01T09:00:00.000Z');
      await h.restart();
      expect(await h.runtime.scheduler.runDue()).to.equal(1);
      expect((await h.store.instances.get(started.instance.id))?.status).to.equal('completed');
    });

    it('should let only one of two schedulers on one store fire a due timer', async () => {
      const started = await h.runtime.startInstance({ definitionKey: 'triage-termijn' }, 'vt-frontoffice');
      h.clock.set('2026-05-20T09:00:00.000Z');
      const other = await createHarness();
      try {
        await other.store.close();
        const { createRuntime } = await import('../../src/runtime/runtime.js');
        const { openSqliteStore } = await import('../../src/store/sqlite/sqlite-store.js');
        const { createConnectorRegistry } = await import('../../src/runtime/connectors/connector-registry.js');
        const { createWorkingDayCalendar } = await import('../../src/engine/working-days.js');
        const path = await import('node:path');
        const secondStore = await openSqliteStore({ file: path.join(h.dir, 'samenspel.db') });
        const second = createRuntime({ store: secondStore, clock: h.clock, connectors: createConnectorRegistry([]), calendar: createWorkingDayCalendar() });
        const fired = await Promise.all([h.runtime.scheduler.runDue(), second.scheduler.runDue()]);
        expect(fired[0] + fired[1]).to.equal(1);
        await secondStore.close();
      } finally {
        await other.close();
      }
      const escalations = (await openTasks(h, started.instance.id)).filter((t) => t.elementId === 'opschalen');
      expect(escalations).to.have.length(1);
    });
  });

  describe('messages', () => {
    const zorgmelding = bpmn(
      `<bpmn:process id="politie" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stuur" />
        <bpmn:intermediateThrowEvent id="stuur" name="Zorgmelding versturen">
          <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=regnr" target="regnr" /><zeebe:input source="=samenvatting" target="samenvatting" /></zeebe:ioMapping></bpmn:extensionElements>
          <bpmn:messageEventDefinition messageRef="Msg_Zorg" />
        </bpmn:intermediateThrowEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="stuur" targetRef="wacht" />
        <bpmn:intermediateCatchEvent id="wacht" name="Terugkoppeling">
          <bpmn:messageEventDefinition messageRef="Msg_Terug" />
        </bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f3" sourceRef="wacht" targetRef="end" />
        <bpmn:endEvent id="end" />
      </bpmn:process>`,
      `<bpmn:message id="Msg_Zorg" name="Zorgmelding"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>
       <bpmn:message id="Msg_Terug" name="Terugkoppeling"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>`,
    );
    const veiligThuis = bpmn(
      `<bpmn:process id="vt" isExecutable="true">
        <bpmn:startEvent id="ontvangen" name="Zorgmelding ontvangen"><bpmn:messageEventDefinition messageRef="Msg_Zorg" /></bpmn:startEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="ontvangen" targetRef="triage" />
        ${userTask('triage', 'Triage', 'vt-triage')}
        <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="terug" />
        <bpmn:endEvent id="terug" name="Terugkoppeling sturen">
          <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=regnr" target="regnr" /><zeebe:input source="=besluit" target="besluit" /></zeebe:ioMapping></bpmn:extensionElements>
          <bpmn:messageEventDefinition messageRef="Msg_Terug" />
        </bpmn:endEvent>
      </bpmn:process>`,
      `<bpmn:message id="Msg_Zorg" name="Zorgmelding"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>
       <bpmn:message id="Msg_Terug" name="Terugkoppeling"><bpmn:extensionElements><zeebe:subscription correlationKey="=regnr" /></bpmn:extensionElements></bpmn:message>`,
    );

    beforeEach(async () => {
      h = await createHarness();
      await h.deploy(zorgmelding);
      await h.deploy(veiligThuis);
    });

    it('should hand a thrown message over to the process that starts with it, carrying only the mapped data', async () => {
      const police = await h.runtime.startInstance(
        { definitionKey: 'politie', variables: { regnr: 'PL-2026-001', samenvatting: 'ruzie', getuigen: 'geheim' } },
        'agent',
      );
      expect(await h.store.instances.subscriptionsOfInstance(police.instance.id)).to.have.length(1);
      await h.runtime.scheduler.runDue();
      const vtInstances = (await h.store.instances.list({ definitionKey: 'vt' })).items;
      expect(vtInstances).to.have.length(1);
      expect(vtInstances[0].variables).to.deep.equal({ regnr: 'PL-2026-001', samenvatting: 'ruzie' });
      expect(vtInstances[0].businessKey).to.equal('PL-2026-001');

      const [triage] = await openTasks(h, vtInstances[0].id);
      await h.runtime.completeTask(triage.id, { besluit: 'overdracht lokaal team' }, 'vt-triagist');
      await h.runtime.scheduler.runDue();
      const closed = await h.store.instances.get(police.instance.id);
      expect(closed?.status).to.equal('completed');
      expect(closed?.variables).to.include({ besluit: 'overdracht lokaal team' });
      const outbox = (await h.store.outbox.list({})).items;
      expect(outbox.map((m) => m.state)).to.deep.equal(['delivered', 'delivered']);
    });

    it('should correlate by name and key only, and answer no_match otherwise', async () => {
      const police = await h.runtime.startInstance({ definitionKey: 'politie', variables: { regnr: 'PL-7' } }, 'agent');
      let error: unknown;
      try {
        await h.runtime.correlateMessage({ name: 'Onbekend', correlationKey: 'PL-7' }, 'api');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(NotFoundError);
      const other = await h.runtime.correlateMessage({ name: 'Terugkoppeling', correlationKey: 'PL-7', variables: { besluit: 'x' } }, 'api');
      expect(other.correlated).to.deep.equal([{ instanceId: police.instance.id }]);
      expect((await h.store.instances.get(police.instance.id))?.status).to.equal('completed');
    });
  });

  describe('incidents', () => {
    const calling = bpmn(`
      <bpmn:process id="overdracht" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="bel" />
        <bpmn:serviceTask id="bel" name="Systeem lokaal team informeren">
          <bpmn:extensionElements><zeebe:taskDefinition type="test-call" /><zeebe:ioMapping><zeebe:input source="=casus" target="casus" /></zeebe:ioMapping></bpmn:extensionElements>
        </bpmn:serviceTask>
        <bpmn:sequenceFlow id="f2" sourceRef="bel" targetRef="gw" />
        <bpmn:exclusiveGateway id="gw" default="f4" />
        <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>=score &gt; 3</bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end" />
        <bpmn:endEvent id="end" />
      </bpmn:process>`);

    it('should turn a failing connector into an incident and call it again on retry', async () => {
      const connector = new ScriptedConnector();
      connector.failures = 1;
      h = await createHarness({ connector });
      await h.deploy(calling);
      const started = await h.runtime.startInstance({ definitionKey: 'overdracht', variables: { casus: 'C-1', score: 5 } }, 'admin');
      expect(started.instance.status).to.equal('incident');
      expect(started.instance.incidents).to.have.length(1);
      expect(started.instance.incidents[0]).to.include({ elementId: 'bel', message: 'receiving system is down' });

      const retried = await h.runtime.retryIncident(started.instance.id, started.instance.incidents[0].id, 'admin');
      expect(retried.instance.status).to.equal('completed');
      expect(connector.calls).to.have.length(2);
      expect(connector.calls[0].idempotencyKey).to.equal(connector.calls[1].idempotencyKey);
      expect(connector.calls[1].variables).to.deep.equal({ casus: 'C-1' });
    });

    it('should raise an incident on a condition that does not give a boolean, keeping the instance where it was', async () => {
      h = await createHarness();
      await h.deploy(calling);
      const started = await h.runtime.startInstance({ definitionKey: 'overdracht', variables: { casus: 'C-2' } }, 'admin');
      expect(started.instance.status).to.equal('incident');
      expect(started.instance.incidents[0].elementId).to.equal('gw');
      const retried = await h.runtime.retryIncident(started.instance.id, started.instance.incidents[0].id, 'admin');
      expect(retried.instance.status).to.equal('incident');
      expect(retried.instance.incidents).to.have.length(1);
    });
  });
});
