/**
 * Regressions found while modelling the Veiligheid Voorop! processes:
 * - a sub-process reached during the start command lost its start event (the selective
 *   start discarded every start event but the chosen one, the sub-process's included);
 * - user tasks inside a sub-process were not reported (only process-level waits were);
 * - a collaboration with a collapsed pool (participant without process) and message
 *   flows failed to compile;
 * - an instance started by message in a process that also has a none start event ended
 *   at once: the discarded none start's path reached an end event, and bpmn-engine then
 *   discarded the still-waiting message start too.
 */
import { expect } from 'chai';
import { bpmn, createHarness, userTask, type Harness } from '../support/runtime-harness.js';

const withSubProcess = bpmn(
  `<bpmn:collaboration id="samenwerking">
    <bpmn:participant id="pool_politie" name="Politie" processRef="wacht" />
    <bpmn:participant id="pool_vt" name="Veilig Thuis" />
    <bpmn:messageFlow id="mf_heen" sourceRef="stuur" targetRef="pool_vt" />
    <bpmn:messageFlow id="mf_terug" sourceRef="pool_vt" targetRef="terug" />
  </bpmn:collaboration>
  <bpmn:process id="wacht" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stuur" />
    <bpmn:intermediateThrowEvent id="stuur" name="Melding sturen">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=nr" target="nr" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="m_heen" />
    </bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="stuur" targetRef="sub" />
    <bpmn:subProcess id="sub" name="Wachten">
      <bpmn:startEvent id="sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="navragen" />
      ${userTask('navragen', 'Navragen', 'politie-basisteam')}
      <bpmn:sequenceFlow id="s2" sourceRef="navragen" targetRef="sub_end" />
      <bpmn:endEvent id="sub_end" />
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="terug" attachedToRef="sub"><bpmn:messageEventDefinition messageRef="m_terug" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="sub" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="terug" targetRef="verwerken" />
    ${userTask('verwerken', 'Verwerken', 'politie-basisteam')}
    <bpmn:sequenceFlow id="f5" sourceRef="verwerken" targetRef="end2" />
    <bpmn:endEvent id="end" />
    <bpmn:endEvent id="end2" />
  </bpmn:process>`,
  `<bpmn:message id="m_heen" name="Heen"><bpmn:extensionElements><zeebe:subscription correlationKey="=nr" /></bpmn:extensionElements></bpmn:message>
   <bpmn:message id="m_terug" name="Terug"><bpmn:extensionElements><zeebe:subscription correlationKey="=nr" /></bpmn:extensionElements></bpmn:message>`,
);

describe('engine: sub-processes, collaborations and start events', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('should run a sub-process entered by the start command and report the user task inside it', async () => {
    h = await createHarness();
    await h.deploy(withSubProcess);
    const started = await h.runtime.startInstance({ definitionKey: 'wacht', variables: { nr: 'PL-1' } }, 'agent');
    expect(started.instance.status).to.equal('active');
    const open = (await h.store.instances.tasksOfInstance(started.instance.id)).filter((t) => t.state === 'open');
    expect(open.map((t) => t.elementId)).to.deep.equal(['navragen']);
    expect(open[0].candidateGroups).to.deep.equal(['politie-basisteam']);

    await h.runtime.completeTask(open[0].id, {}, 'agent');
    expect((await h.store.instances.get(started.instance.id))?.status).to.equal('completed');
  });

  it('should cancel the waits inside a sub-process when its boundary message arrives', async () => {
    h = await createHarness();
    await h.deploy(withSubProcess);
    const started = await h.runtime.startInstance({ definitionKey: 'wacht', variables: { nr: 'PL-2' } }, 'agent');
    await h.runtime.correlateMessage({ name: 'Terug', correlationKey: 'PL-2' }, 'api');
    const tasks = await h.store.instances.tasksOfInstance(started.instance.id);
    expect(tasks.map((t) => [t.elementId, t.state])).to.deep.equal([
      ['navragen', 'cancelled'],
      ['verwerken', 'open'],
    ]);
  });

  it('should ignore message flows (to collapsed pools too): Samenspel delivers messages through its outbox', async () => {
    h = await createHarness();
    await h.deploy(withSubProcess);
    await h.runtime.startInstance({ definitionKey: 'wacht', variables: { nr: 'PL-3' } }, 'agent');
    const outbox = (await h.store.outbox.list({})).items;
    expect(outbox.map((m) => [m.messageName, m.correlationKey, m.variables])).to.deep.equal([['Heen', 'PL-3', { nr: 'PL-3' }]]);
  });

  it('should start by message in a process that also has a none start, both joining before a task', async () => {
    h = await createHarness();
    await h.deploy(
      bpmn(
        `<bpmn:process id="twee-starts" isExecutable="true">
          <bpmn:startEvent id="per_bericht"><bpmn:messageEventDefinition messageRef="m_start" /></bpmn:startEvent>
          <bpmn:startEvent id="met_de_hand" />
          <bpmn:sequenceFlow id="f1" sourceRef="per_bericht" targetRef="samen" />
          <bpmn:sequenceFlow id="f2" sourceRef="met_de_hand" targetRef="samen" />
          <bpmn:exclusiveGateway id="samen" />
          <bpmn:sequenceFlow id="f3" sourceRef="samen" targetRef="registreren" />
          ${userTask('registreren', 'Registreren', 'vt-frontoffice')}
          <bpmn:sequenceFlow id="f4" sourceRef="registreren" targetRef="end" />
          <bpmn:endEvent id="end" />
        </bpmn:process>`,
        `<bpmn:message id="m_start" name="Start"><bpmn:extensionElements><zeebe:subscription correlationKey="=nr" /></bpmn:extensionElements></bpmn:message>`,
      ),
    );
    const result = await h.runtime.correlateMessage({ name: 'Start', correlationKey: 'X-1', variables: { nr: 'X-1' } }, 'api');
    const [{ instanceId }] = result.started;
    const open = (await h.store.instances.tasksOfInstance(instanceId)).filter((t) => t.state === 'open');
    expect(open.map((t) => t.elementId)).to.deep.equal(['registreren']);
    await h.runtime.completeTask(open[0].id, {}, 'vt-frontoffice');
    expect((await h.store.instances.get(instanceId))?.status).to.equal('completed');

    const byHand = await h.runtime.startInstance({ definitionKey: 'twee-starts' }, 'vt-frontoffice');
    expect((await h.store.instances.tasksOfInstance(byHand.instance.id)).map((t) => t.elementId)).to.deep.equal(['registreren']);
  });

  it('should pass a parallel join behind two start events once, whichever start was chosen', async () => {
    h = await createHarness();
    await h.deploy(
      bpmn(
        `<bpmn:process id="join-na-starts" isExecutable="true">
          <bpmn:startEvent id="per_bericht"><bpmn:messageEventDefinition messageRef="m_start" /></bpmn:startEvent>
          <bpmn:startEvent id="met_de_hand" />
          <bpmn:sequenceFlow id="f1" sourceRef="per_bericht" targetRef="samen" />
          <bpmn:sequenceFlow id="f2" sourceRef="met_de_hand" targetRef="samen" />
          <bpmn:exclusiveGateway id="samen" />
          <bpmn:sequenceFlow id="f3" sourceRef="samen" targetRef="splits" />
          <bpmn:parallelGateway id="splits" />
          <bpmn:sequenceFlow id="f4" sourceRef="splits" targetRef="a" />
          <bpmn:sequenceFlow id="f5" sourceRef="splits" targetRef="b" />
          ${userTask('a', 'A', 'politie-hgkm')}
          ${userTask('b', 'B', 'vt-onderzoek')}
          <bpmn:sequenceFlow id="f6" sourceRef="a" targetRef="join" />
          <bpmn:sequenceFlow id="f7" sourceRef="b" targetRef="join" />
          <bpmn:parallelGateway id="join" />
          <bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="besluit" />
          ${userTask('besluit', 'Besluit', 'om-officier')}
          <bpmn:sequenceFlow id="f9" sourceRef="besluit" targetRef="end" />
          <bpmn:endEvent id="end" />
        </bpmn:process>`,
        `<bpmn:message id="m_start" name="Start"><bpmn:extensionElements><zeebe:subscription correlationKey="=nr" /></bpmn:extensionElements></bpmn:message>`,
      ),
    );
    const byMessage = (await h.runtime.correlateMessage({ name: 'Start', correlationKey: 'X-2', variables: { nr: 'X-2' } }, 'api')).started[0].instanceId;
    const byHand = (await h.runtime.startInstance({ definitionKey: 'join-na-starts' }, 'rechercheur')).instance.id;
    for (const instanceId of [byMessage, byHand]) {
      const open = async () => (await h.store.instances.tasksOfInstance(instanceId)).filter((t) => t.state === 'open');
      for (const elementId of ['a', 'b', 'besluit']) {
        const task = (await open()).find((t) => t.elementId === elementId)!;
        await h.runtime.completeTask(task.id, {}, 'tester');
      }
      expect(await open()).to.deep.equal([]);
      expect((await h.store.instances.get(instanceId))?.status, instanceId).to.equal('completed');
    }
  });
});
