import { expect } from 'chai';
import { ConflictError, InvalidError } from '../../src/errors.js';
import { bpmn, createHarness, userTask, type Harness } from '../support/runtime-harness.js';

function threeSteps(extraStep = ''): string {
  return bpmn(`
    <bpmn:process id="stappen" isExecutable="true">
      <bpmn:startEvent id="start" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="registreren" />
      ${userTask('registreren', 'Registreren', 'vt-frontoffice')}
      <bpmn:sequenceFlow id="f2" sourceRef="registreren" targetRef="triage" />
      ${userTask('triage', 'Triage', 'vt-triage')}
      <bpmn:boundaryEvent id="termijn" attachedToRef="triage" cancelActivity="false">
        <bpmn:timerEventDefinition><bpmn:timeDuration>P5D</bpmn:timeDuration></bpmn:timerEventDefinition>
      </bpmn:boundaryEvent>
      <bpmn:sequenceFlow id="fb" sourceRef="termijn" targetRef="opschalen" />
      ${userTask('opschalen', 'Opschalen', 'vt-teamleider')}
      <bpmn:sequenceFlow id="fb2" sourceRef="opschalen" targetRef="end2" />
      <bpmn:endEvent id="end2" />
      <bpmn:sequenceFlow id="f3" sourceRef="triage" targetRef="${extraStep ? 'extra' : 'onderzoek'}" />
      ${extraStep ? `${userTask('extra', 'Extra controle', 'vt-teamleider')}<bpmn:sequenceFlow id="fx" sourceRef="extra" targetRef="onderzoek" />` : ''}
      ${userTask('onderzoek', 'Onderzoek', 'vt-onderzoek')}
      <bpmn:sequenceFlow id="f4" sourceRef="onderzoek" targetRef="end" />
      <bpmn:endEvent id="end" />
    </bpmn:process>`);
}

async function openElements(h: Harness, instanceId: string): Promise<string[]> {
  return (await h.store.instances.tasksOfInstance(instanceId)).filter((t) => t.state === 'open').map((t) => t.elementId).sort();
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('token modification and migration', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await h.deploy(threeSteps());
  });
  afterEach(async () => h.close());

  async function atTriage() {
    const started = await h.runtime.startInstance({ definitionKey: 'stappen', variables: { casus: 'C-1' } }, 'vt-frontoffice');
    const [registreren] = started.tasks;
    await h.runtime.completeTask(registreren.id, {}, 'vt-frontoffice');
    return started.instance.id;
  }

  it('should move a waiting case back one step, so the task reappears for its group', async () => {
    const id = await atTriage();
    const result = await h.runtime.modifyInstance(
      id,
      { reason: 'registratie onvolledig', instructions: [{ startBefore: 'registreren' }, { cancel: 'triage' }] },
      'admin',
    );
    expect(await openElements(h, id)).to.deep.equal(['registreren']);
    expect(result.instance.status).to.equal('active');
    // The triage deadline went with the triage task.
    expect((await h.store.instances.timersOfInstance(id)).map((t) => t.elementId)).to.deep.equal([]);
    const modified = (await h.store.instances.history(id)).find((e) => e.type === 'modified');
    expect(modified?.data).to.deep.include({ reason: 'registratie onvolledig' });

    const [again] = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    expect(again.candidateGroups).to.deep.equal(['vt-frontoffice']);
    await h.runtime.completeTask(again.id, {}, 'vt-frontoffice');
    expect(await openElements(h, id)).to.deep.equal(['triage']);
  });

  it('should move a waiting case on to a later step', async () => {
    const id = await atTriage();
    await h.runtime.modifyInstance(id, { reason: 'triage al gedaan', instructions: [{ startBefore: 'onderzoek' }, { cancel: 'triage' }] }, 'admin');
    expect(await openElements(h, id)).to.deep.equal(['onderzoek']);
    const [task] = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    await h.runtime.completeTask(task.id, {}, 'vt-onderzoeker');
    expect((await h.store.instances.get(id))?.status).to.equal('completed');
  });

  it('should restart an active step when it is cancelled and started again', async () => {
    const id = await atTriage();
    const [before] = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    await h.runtime.modifyInstance(id, { reason: 'opnieuw beoordelen', instructions: [{ cancel: 'triage' }, { startBefore: 'triage' }] }, 'admin');
    const open = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    expect(open.map((t) => t.elementId)).to.deep.equal(['triage']);
    expect(open[0].id).to.not.equal(before.id);
    expect((await h.store.instances.get(id))?.status).to.equal('active');
    await h.runtime.completeTask(open[0].id, {}, 'vt-triagist');
    expect(await openElements(h, id)).to.deep.equal(['onderzoek']);
  });

  it('should refuse instructions for elements that are not there or not active, and change nothing', async () => {
    const id = await atTriage();
    const before = await h.store.instances.get(id);
    for (const instructions of [[{ startBefore: 'bestaat-niet' }], [{ cancel: 'onderzoek' }], [{ startBefore: 'termijn' }]]) {
      const error = await caught(h.runtime.modifyInstance(id, { reason: 'x', instructions }, 'admin'));
      expect(error).to.be.instanceOf(InvalidError);
    }
    expect((await h.store.instances.get(id))?.revision).to.equal(before?.revision);
    expect(await openElements(h, id)).to.deep.equal(['triage']);
    // The engine cache must not keep a half-applied modification.
    await h.runtime.completeTask((await h.store.instances.tasksOfInstance(id)).find((t) => t.state === 'open')!.id, {}, 'vt-triagist');
    expect(await openElements(h, id)).to.deep.equal(['onderzoek']);
  });

  it('should migrate a waiting case to a new version where its element still exists', async () => {
    const id = await atTriage();
    const [{ version }] = await h.deploy(threeSteps('extra'));
    expect(version).to.equal(2);
    const result = await h.runtime.migrateInstance(id, { toVersion: 2 }, 'admin');
    expect(result.instance.definitionVersion).to.equal(2);
    expect(result.plan.moves).to.deep.equal([{ from: 'triage', to: 'triage', name: 'Triage' }]);
    expect(await openElements(h, id)).to.deep.equal(['triage']);
    expect((await h.store.instances.get(id))?.variables).to.deep.equal({ casus: 'C-1' });
    // The boundary timer of the task comes back with it.
    expect((await h.store.instances.timersOfInstance(id)).map((t) => t.elementId)).to.deep.equal(['termijn']);
    const [task] = (await h.store.instances.tasksOfInstance(id)).filter((t) => t.state === 'open');
    await h.runtime.completeTask(task.id, {}, 'vt-triagist');
    // The new version's extra step now follows.
    expect(await openElements(h, id)).to.deep.equal(['extra']);
  });

  it('should refuse a migration when a waiting element has no target, naming it', async () => {
    const id = await atTriage();
    await h.deploy(
      bpmn(`<bpmn:process id="stappen" isExecutable="true">
        <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="nieuw" />
        ${userTask('nieuw', 'Nieuwe stap', 'vt-triage')}<bpmn:sequenceFlow id="f2" sourceRef="nieuw" targetRef="end" /><bpmn:endEvent id="end" />
      </bpmn:process>`),
    );
    const error = await caught(h.runtime.migrateInstance(id, { toVersion: 2 }, 'admin'));
    expect(error).to.be.instanceOf(InvalidError);
    expect((error as InvalidError).details.map((d) => d.elementId)).to.deep.equal(['triage']);
    expect((await h.store.instances.get(id))?.definitionVersion).to.equal(1);

    await h.runtime.migrateInstance(id, { toVersion: 2, mapping: { triage: 'nieuw' } }, 'admin');
    expect(await openElements(h, id)).to.deep.equal(['nieuw']);
  });

  it('should refuse to modify or migrate an ended case', async () => {
    const id = await atTriage();
    await h.runtime.cancelInstance(id, 'test', 'admin');
    expect(await caught(h.runtime.modifyInstance(id, { reason: 'x', instructions: [{ startBefore: 'triage' }] }, 'admin'))).to.be.instanceOf(ConflictError);
    expect(await caught(h.runtime.migrateInstance(id, { toVersion: 1 }, 'admin'))).to.be.instanceOf(ConflictError);
  });
});
