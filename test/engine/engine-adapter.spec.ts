/**
 * The bpmn-engine traps of ENGINE-NOTES.md, each closed by the adapter. These tests run
 * diagrams straight through the adapter, without deploy-time validation, to show that the
 * adapter is safe on its own.
 */
import { expect } from 'chai';
import { ManualClock } from '../../src/clock.js';
import { compileDefinition } from '../../src/engine/compile-definition.js';
import { createEngineAdapter, type EngineAdapter, type RunOutcome } from '../../src/engine/engine-adapter.js';
import { bpmn, userTask } from '../support/runtime-harness.js';

const clock = new ManualClock('2026-03-02T08:00:00.000Z');

function adapter(): EngineAdapter {
  return createEngineAdapter({ clock, invokeConnector: async () => ({}) });
}

async function start(xml: string, key: string, variables: Record<string, unknown> = {}): Promise<RunOutcome> {
  const definition = await compileDefinition(xml, key, 1);
  return adapter().run({
    instanceId: 'i-1',
    revision: 1,
    definition,
    engineState: null,
    variables: {},
    command: { type: 'start', startEventId: 'start', variables },
  });
}

function gateway(condition: string, language?: string): string {
  return bpmn(`
    <bpmn:process id="p" isExecutable="true">
      <bpmn:startEvent id="start" />
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw" />
      <bpmn:exclusiveGateway id="gw" default="f3" />
      <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="taken"><bpmn:conditionExpression${language ? ` language="${language}"` : ''}>${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="other" />
      ${userTask('taken', 'Taken', 'g')}
      ${userTask('other', 'Other', 'g')}
    </bpmn:process>`);
}

describe('engine adapter: closed traps of bpmn-engine', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).pwned;
  });

  it('should never run a JavaScript condition, raising an incident instead', async () => {
    const outcome = await start(gateway('globalThis.pwned = true; true', 'javascript'), 'p');
    expect((globalThis as Record<string, unknown>).pwned).to.equal(undefined);
    expect(outcome.incidents.map((i) => i.elementId)).to.deep.equal(['gw']);
    expect(outcome.userTasks).to.deep.equal([]);
  });

  it('should never run a script task', async () => {
    const xml = bpmn(`
      <bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />
        <bpmn:scriptTask id="script" scriptFormat="javascript"><bpmn:script>globalThis.pwned = true; next();</bpmn:script></bpmn:scriptTask>
      </bpmn:process>`);
    const outcome = await start(xml, 'p');
    expect((globalThis as Record<string, unknown>).pwned).to.equal(undefined);
    expect(outcome.status).to.not.equal('completed');
  });

  it('should evaluate a condition without "=" as FEEL, so "false" is false and not a truthy string', async () => {
    const outcome = await start(gateway('false'), 'p');
    expect(outcome.userTasks.map((t) => t.elementId)).to.deep.equal(['other']);
  });

  it('should refuse an ${expression} condition instead of looking it up in the engine', async () => {
    const outcome = await start(gateway('${environment.constructor}'), 'p');
    expect(outcome.incidents.map((i) => i.elementId)).to.deep.equal(['gw']);
    expect(outcome.userTasks).to.deep.equal([]);
  });

  it('should raise an incident, not pick a branch, when a condition yields null', async () => {
    const outcome = await start(gateway('=score > 3'), 'p');
    expect(outcome.incidents[0].message).to.match(/score/);
    expect(outcome.userTasks).to.deep.equal([]);
  });

  it('should turn an engine error into a failed run, never an unhandled error event', async () => {
    // A timer whose FEEL value gives nothing makes bpmn-elements emit 'error' on the
    // engine, which would end the Node process without a listener.
    const xml = bpmn(`
      <bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate>=termijn</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      </bpmn:process>`);
    const outcome = await start(xml, 'p');
    expect(outcome.status).to.equal('failed');
    expect(outcome.failure?.message).to.match(/timer/);
    expect(outcome.engineState).to.equal(null);
  });

  it('should hand timers to the store instead of setTimeout, also beyond 24.8 days', async () => {
    const xml = bpmn(`
      <bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P3M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      </bpmn:process>`);
    const outcome = await start(xml, 'p');
    expect(outcome.timers).to.have.length(1);
    expect(outcome.timers[0]).to.include({ elementId: 'wait', timerType: 'timeDuration', dueAt: '2026-06-02T08:00:00.000Z' });
  });

  it('should store state without the BPMN source and recover it from the compiled model', async () => {
    const xml = bpmn(`<bpmn:process id="p" isExecutable="true">
      <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t" />${userTask('t', 'T', 'g')}
      <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="end" /><bpmn:endEvent id="end" /></bpmn:process>`);
    const first = await start(xml, 'p');
    const text = JSON.stringify(first.engineState);
    expect(text).to.not.include('"source"');
    expect(text.length).to.be.lessThan(20_000);
    const definition = await compileDefinition(xml, 'p', 1);
    const resumed = await adapter().run({
      instanceId: 'i-1',
      revision: 2,
      definition,
      engineState: first.engineState,
      variables: first.variables,
      command: { type: 'complete-task', executionId: first.userTasks[0].executionId, variables: {} },
    });
    expect(resumed.status).to.equal('completed');
  });

  it('should run only the process it was compiled for when a collaboration has two executable pools', async () => {
    const xml = bpmn(`
      <bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="a" /><bpmn:participant id="pb" processRef="b" /></bpmn:collaboration>
      <bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="start" /><bpmn:sequenceFlow id="fa" sourceRef="start" targetRef="ta" />${userTask('ta', 'A', 'g')}</bpmn:process>
      <bpmn:process id="b" isExecutable="true"><bpmn:startEvent id="sb" /><bpmn:sequenceFlow id="fb" sourceRef="sb" targetRef="tb" />${userTask('tb', 'B', 'g')}</bpmn:process>`);
    const outcome = await start(xml, 'a');
    expect(outcome.userTasks.map((t) => t.elementId)).to.deep.equal(['ta']);
  });

  it('should start only at the chosen start event when a process has several', async () => {
    const xml = bpmn(
      `<bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t1" />${userTask('t1', 'Plain', 'g')}
        <bpmn:startEvent id="bymsg"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="bymsg" targetRef="t2" />${userTask('t2', 'Message', 'g')}
      </bpmn:process>`,
      '<bpmn:message id="M" name="Melding" />',
    );
    const definition = await compileDefinition(xml, 'p', 1);
    const plain = await start(xml, 'p');
    expect(plain.userTasks.map((t) => t.elementId)).to.deep.equal(['t1']);
    expect(plain.messages).to.deep.equal([]);
    const byMessage = await adapter().run({
      instanceId: 'i-2',
      revision: 1,
      definition,
      engineState: null,
      variables: {},
      command: { type: 'start', startEventId: 'bymsg', variables: { regnr: 'X' } },
    });
    expect(byMessage.userTasks.map((t) => t.elementId)).to.deep.equal(['t2']);
    expect(byMessage.variables).to.deep.equal({ regnr: 'X' });
  });
});
