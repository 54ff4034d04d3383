import { expect } from 'chai';
import { InvalidError } from '../../src/errors.js';
import { bpmn, createHarness, userTask, type Harness } from '../support/runtime-harness.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('timers and deployment', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ start: '2026-05-04T07:00:00.000Z' });
  });
  afterEach(async () => h.close());

  it('should start an instance for every repetition of a timer start cycle, and no more', async () => {
    await h.deploy(
      bpmn(`<bpmn:process id="controle" isExecutable="true">
        <bpmn:startEvent id="elkUur" name="Elk uur"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:sequenceFlow id="f1" sourceRef="elkUur" targetRef="kijk" />
        ${userTask('kijk', 'Controleer', 'vt-teamleider')}
        <bpmn:sequenceFlow id="f2" sourceRef="kijk" targetRef="end" /><bpmn:endEvent id="end" />
      </bpmn:process>`),
    );
    const [scheduled] = await h.store.timers.startTimers('controle');
    expect(scheduled.dueAt).to.equal('2026-05-04T08:00:00.000Z');

    for (const hour of ['08', '09', '10', '11']) {
      h.clock.set(`2026-05-04T${hour}:00:00.000Z`);
      await h.runtime.scheduler.runDue();
    }
    const started = (await h.store.instances.list({ definitionKey: 'controle' })).items;
    expect(started).to.have.length(2);
    expect(await h.store.timers.startTimers('controle')).to.deep.equal([]);
    const tasks = await h.store.instances.tasksOfInstance(started[0].id);
    expect(tasks.map((t) => t.elementId)).to.deep.equal(['kijk']);
  });

  it('should lease each timer from the moment it is claimed, however long the batch before it took', async () => {
    await h.deploy(
      bpmn(`<bpmn:process id="wacht" isExecutable="true">
        <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="uur" />
        <bpmn:intermediateCatchEvent id="uur"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="uur" targetRef="kijk" />
        ${userTask('kijk', 'Kijk', 'vt-triage')}
        <bpmn:sequenceFlow id="f3" sourceRef="kijk" targetRef="end" /><bpmn:endEvent id="end" />
      </bpmn:process>`),
    );
    // More timers than the scheduler's lanes (8): the last ones are claimed after others fired.
    for (let i = 0; i < 12; i++) await h.runtime.startInstance({ definitionKey: 'wacht' }, 'vt-frontoffice');
    h.clock.set('2026-05-04T08:00:00.000Z');
    // Every claim takes ten minutes (a slow machine, a slow fire): the lease must still run
    // its full length from the claim, or another node could take the timer while it fires.
    const claims: { at: string; now: string; leaseUntil: string }[] = [];
    const claim = h.store.timers.claim.bind(h.store.timers);
    h.store.timers.claim = async (id, owner, now, leaseUntil) => {
      claims.push({ at: h.clock.now().toISOString(), now, leaseUntil });
      const claimed = await claim(id, owner, now, leaseUntil);
      h.clock.advance(10 * 60_000);
      return claimed;
    };

    expect(await h.runtime.scheduler.runDue()).to.equal(12);

    expect(claims.filter((c) => c.at > '2026-05-04T08:00:00.000Z')).to.not.be.empty;
    for (const c of claims) {
      expect(c.now).to.equal(c.at);
      expect(Date.parse(c.leaseUntil) - Date.parse(c.at)).to.equal(30_000);
    }
  });

  it('should end the task when an interrupting boundary timer fires', async () => {
    await h.deploy(
      bpmn(`<bpmn:process id="verbod" isExecutable="true">
        <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="advies" />
        ${userTask('advies', 'Advies verlenging', 'vt-onderzoek')}
        <bpmn:boundaryEvent id="dag10" attachedToRef="advies"><bpmn:timerEventDefinition><bpmn:timeDuration>="P" + string(dagen) + "D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="dag10" targetRef="afgelopen" /><bpmn:endEvent id="afgelopen" />
        <bpmn:sequenceFlow id="f3" sourceRef="advies" targetRef="end" /><bpmn:endEvent id="end" />
      </bpmn:process>`),
    );
    const { instance } = await h.runtime.startInstance({ definitionKey: 'verbod', variables: { dagen: 10 } }, 'hulpofficier');
    const [timer] = await h.store.instances.timersOfInstance(instance.id);
    expect(timer.dueAt).to.equal('2026-05-14T07:00:00.000Z');
    h.clock.set('2026-05-14T07:00:00.000Z');
    expect(await h.runtime.scheduler.runDue()).to.equal(1);
    const [task] = await h.store.instances.tasksOfInstance(instance.id);
    expect(task.state).to.equal('cancelled');
    expect((await h.store.instances.get(instance.id))?.status).to.equal('completed');
  });

  it('should refuse a script task, a JavaScript condition and an unknown connector, naming each element, and deploy nothing', async () => {
    const xml = bpmn(`<bpmn:process id="onveilig" isExecutable="true">
      <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
      <bpmn:scriptTask id="script" scriptFormat="javascript"><bpmn:script>next()</bpmn:script></bpmn:scriptTask>
      <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="gw" />
      <bpmn:exclusiveGateway id="gw" default="f4" />
      <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="bel"><bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression" language="javascript">true</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end" />
      <bpmn:serviceTask id="bel"><bpmn:extensionElements><zeebe:taskDefinition type="ftp-upload" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:sequenceFlow id="f5" sourceRef="bel" targetRef="end" /><bpmn:endEvent id="end" />
    </bpmn:process>`);
    const error = await caught(h.deploy(xml));
    expect(error).to.be.instanceOf(InvalidError);
    const named = (error as InvalidError).details.map((d) => d.elementId);
    expect(named).to.include.members(['script', 'f3', 'bel']);
    expect(await h.store.definitions.getLatest('onveilig')).to.equal(null);
  });

  it('should deploy a changed diagram as the next version and an unchanged one as nothing', async () => {
    const v1 = bpmn(`<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f" sourceRef="start" targetRef="end" /><bpmn:endEvent id="end" /></bpmn:process>`);
    expect(await h.deploy(v1)).to.deep.equal([{ key: 'p', version: 1 }]);
    expect(await h.deploy(v1)).to.deep.equal([{ key: 'p', version: 1, unchanged: true }]);
    expect(await h.deploy(v1.replace('id="end" />', 'id="end" name="Klaar" />'))).to.deep.equal([{ key: 'p', version: 2 }]);
  });
});
