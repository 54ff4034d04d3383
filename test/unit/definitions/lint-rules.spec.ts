import { expect } from 'chai';

import { lintResolver, lintRuleIds } from '../../../src/definitions/lint-config.js';
import { OPTIONS, definitions, problemsOf, processXml, userTask } from './bpmn-snippets.js';

const CONDITION = (body: string, language = '') =>
  `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"${language ? ` language="${language}"` : ''}>${body}</bpmn:conditionExpression>`;

function flow(id: string, condition = ''): string {
  return `<bpmn:startEvent id="s_${id}" /><bpmn:endEvent id="e_${id}" />
<bpmn:sequenceFlow id="${id}" name="f" sourceRef="s_${id}" targetRef="e_${id}">${condition}</bpmn:sequenceFlow>`;
}

function timerEvent(id: string, event: 'startEvent' | 'intermediateCatchEvent' | 'boundaryEvent', timer: string, attrs = ''): string {
  const attached = event === 'boundaryEvent' ? ` attachedToRef="host_${id}"` : '';
  const host = event === 'boundaryEvent' ? userTask(`host_${id}`) : '';
  return `${host}<bpmn:${event} id="${id}"${attached} ${attrs}><bpmn:timerEventDefinition id="${id}_def">${timer}</bpmn:timerEventDefinition></bpmn:${event}>`;
}

const duration = (v: string) => `<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${v}</bpmn:timeDuration>`;
const date = (v: string) => `<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${v}</bpmn:timeDate>`;
const cycle = (v: string) => `<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${v}</bpmn:timeCycle>`;

function message(id: string, name: string | null, correlationKey?: string): string {
  const sub = correlationKey === undefined
    ? ''
    : `<bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements>`;
  return `<bpmn:message id="${id}"${name === null ? '' : ` name="${name}"`}>${sub}</bpmn:message>`;
}

describe('lint configuration', () => {
  it('resolves every configured rule without touching the filesystem', () => {
    for (const id of lintRuleIds()) {
      const [pkg, name] = id.includes('/') ? [`bpmnlint-plugin-${id.split('/')[0]}`, id.split('/')[1]] : ['bpmnlint', id];
      expect(lintResolver.resolveRule(pkg, name), id).to.be.a('function');
    }
    expect(lintResolver.resolveConfig('bpmnlint', 'recommended')).to.have.property('rules');
    expect(() => lintResolver.resolveRule('bpmnlint-plugin-other', 'x')).to.throw(/unknown lint rule/);
  });
});

describe('Samenspel lint rules', () => {
  describe('samenspel/executable-process', () => {
    const rule = 'samenspel/executable-process';

    it('trips when no process is executable', async () => {
      const problems = await problemsOf(processXml('<bpmn:startEvent id="s" />', 'id="p" isExecutable="false"'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'p', severity: 'error' });
      expect(problems[0].message).to.match(/Process "p" is not marked executable.*isExecutable="true"/);
    });

    it('trips when there is no process at all', async () => {
      const problems = await problemsOf(definitions(message('m', 'Melding')), rule);
      expect(problems).to.have.length(1);
      expect(problems[0].elementId).to.equal('Definitions_1');
    });

    it('passes with one executable process among others', async () => {
      const xml = definitions(`<bpmn:process id="a" isExecutable="false" /><bpmn:process id="b" isExecutable="true" />`);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/supported-elements', () => {
    const rule = 'samenspel/supported-elements';

    const unsupported: Array<[string, string, string]> = [
      ['script task', '<bpmn:scriptTask id="x" scriptFormat="javascript" />', 'bpmn:ScriptTask'],
      ['business rule task', '<bpmn:businessRuleTask id="x" />', 'bpmn:BusinessRuleTask'],
      ['call activity', '<bpmn:callActivity id="x" calledElement="other" />', 'bpmn:CallActivity'],
      ['complex gateway', '<bpmn:complexGateway id="x" />', 'bpmn:ComplexGateway'],
      ['transaction', '<bpmn:transaction id="x" />', 'bpmn:Transaction'],
      ['ad-hoc sub-process', '<bpmn:adHocSubProcess id="x" />', 'bpmn:AdHocSubProcess'],
      ['signal start', '<bpmn:startEvent id="x"><bpmn:signalEventDefinition /></bpmn:startEvent>', 'bpmn:SignalEventDefinition'],
      ['escalation end', '<bpmn:endEvent id="x"><bpmn:escalationEventDefinition /></bpmn:endEvent>', 'bpmn:EscalationEventDefinition'],
      ['compensation throw', '<bpmn:intermediateThrowEvent id="x"><bpmn:compensateEventDefinition /></bpmn:intermediateThrowEvent>', 'bpmn:CompensateEventDefinition'],
      ['conditional catch', '<bpmn:intermediateCatchEvent id="x"><bpmn:conditionalEventDefinition /></bpmn:intermediateCatchEvent>', 'bpmn:ConditionalEventDefinition'],
      ['link catch', '<bpmn:intermediateCatchEvent id="x"><bpmn:linkEventDefinition name="a" /></bpmn:intermediateCatchEvent>', 'bpmn:LinkEventDefinition'],
      ['timer end event', '<bpmn:endEvent id="x"><bpmn:timerEventDefinition /></bpmn:endEvent>', 'bpmn:TimerEventDefinition'],
      ['error start outside an event sub-process', '<bpmn:startEvent id="x"><bpmn:errorEventDefinition /></bpmn:startEvent>', 'bpmn:ErrorEventDefinition'],
      ['multi-instance user task', `<bpmn:userTask id="x"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>`, 'multi-instance'],
      ['standard loop', `<bpmn:serviceTask id="x"><bpmn:standardLoopCharacteristics /></bpmn:serviceTask>`, 'loop marker'],
      ['catch event without definition', '<bpmn:intermediateCatchEvent id="x" />', 'no event definition'],
    ];

    for (const [label, xml, mention] of unsupported) {
      it(`trips on a ${label}`, async () => {
        const problems = await problemsOf(processXml(xml), rule);
        expect(problems, label).to.have.length(1);
        expect(problems[0]).to.include({ elementId: 'x', severity: 'error' });
        expect(problems[0].message).to.include(mention);
        if (mention.startsWith('bpmn:')) expect(problems[0].message).to.include('not supported by Samenspel');
      });
    }

    it('passes everything Samenspel runs', async () => {
      const xml = definitions(`
<bpmn:collaboration id="collab">
  <bpmn:participant id="pool-vt" name="Veilig Thuis" processRef="p" />
  <bpmn:participant id="pool-politie" name="Politie" />
  <bpmn:messageFlow id="mf" sourceRef="pool-politie" targetRef="msg-start" />
</bpmn:collaboration>
${message('m', 'Zorgmelding', '=registratienummer')}
<bpmn:error id="err" name="Mislukt" errorCode="FAILED" />
<bpmn:process id="p" isExecutable="true">
  <bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Triage" /></bpmn:laneSet>
  <bpmn:startEvent id="plain-start" />
  <bpmn:startEvent id="msg-start"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>
  <bpmn:startEvent id="timer-start"><bpmn:timerEventDefinition>${cycle('R/P1D')}</bpmn:timerEventDefinition></bpmn:startEvent>
  <bpmn:userTask id="user" /><bpmn:serviceTask id="service" /><bpmn:sendTask id="send" />
  <bpmn:receiveTask id="receive" messageRef="m" /><bpmn:manualTask id="manual" /><bpmn:task id="plain-task" />
  <bpmn:exclusiveGateway id="xor" /><bpmn:parallelGateway id="and" />
  <bpmn:inclusiveGateway id="or" /><bpmn:eventBasedGateway id="event-gw" />
  <bpmn:intermediateCatchEvent id="catch-msg"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="catch-timer"><bpmn:timerEventDefinition>${duration('PT1H')}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:intermediateThrowEvent id="throw-none" />
  <bpmn:intermediateThrowEvent id="throw-msg"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateThrowEvent>
  <bpmn:boundaryEvent id="b-timer" attachedToRef="user"><bpmn:timerEventDefinition>${duration('P3D')}</bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="b-msg" attachedToRef="user" cancelActivity="false"><bpmn:messageEventDefinition messageRef="m" /></bpmn:boundaryEvent>
  <bpmn:boundaryEvent id="b-err" attachedToRef="service"><bpmn:errorEventDefinition errorRef="err" /></bpmn:boundaryEvent>
  <bpmn:subProcess id="sub"><bpmn:startEvent id="sub-start" /><bpmn:endEvent id="sub-end" /></bpmn:subProcess>
  <bpmn:subProcess id="event-sub" triggeredByEvent="true">
    <bpmn:startEvent id="event-sub-start"><bpmn:errorEventDefinition errorRef="err" /></bpmn:startEvent>
  </bpmn:subProcess>
  <bpmn:endEvent id="end-none" />
  <bpmn:endEvent id="end-msg"><bpmn:messageEventDefinition messageRef="m" /></bpmn:endEvent>
  <bpmn:endEvent id="end-err"><bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>
  <bpmn:endEvent id="end-term"><bpmn:terminateEventDefinition /></bpmn:endEvent>
  <bpmn:sequenceFlow id="sf" sourceRef="plain-start" targetRef="user" />
  <bpmn:dataObject id="do" /><bpmn:dataObjectReference id="dor" dataObjectRef="do" />
  <bpmn:dataStoreReference id="dsr" />
  <bpmn:textAnnotation id="note"><bpmn:text>Let op</bpmn:text></bpmn:textAnnotation>
  <bpmn:association id="assoc" sourceRef="note" targetRef="user" />
  <bpmn:group id="group" />
</bpmn:process>`);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/user-task-assignment', () => {
    const rule = 'samenspel/user-task-assignment';

    it('trips on a user task without assignment', async () => {
      const problems = await problemsOf(processXml('<bpmn:userTask id="t" name="Beoordeel" />'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 't', severity: 'error' });
      expect(problems[0].message).to.match(/User task "t" \("Beoordeel"\) does not say who does it.*candidate groups/);
    });

    it('trips on an empty assignment', async () => {
      const xml = processXml(`<bpmn:userTask id="t"><bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups=" " /></bpmn:extensionElements></bpmn:userTask>`);
      const problems = await problemsOf(xml, rule);
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/empty assignment/);
    });

    for (const attr of ['candidateGroups="vt-triage"', 'candidateUsers="vt-triagist"', 'assignee="=initiator"']) {
      it(`passes with ${attr.split('=')[0]}`, async () => {
        const xml = processXml(`<bpmn:userTask id="t"><bpmn:extensionElements>
          <zeebe:assignmentDefinition ${attr} /></bpmn:extensionElements></bpmn:userTask>`);
        expect(await problemsOf(xml, rule)).to.deep.equal([]);
      });
    }
  });

  describe('samenspel/form-exists', () => {
    const rule = 'samenspel/form-exists';
    const withForm = (form: string) => processXml(`<bpmn:userTask id="t"><bpmn:extensionElements>
      <zeebe:assignmentDefinition candidateGroups="vt-triage" />${form}</bpmn:extensionElements></bpmn:userTask>`);

    it('trips on a form id that is not deployed', async () => {
      const problems = await problemsOf(withForm('<zeebe:formDefinition formId="onbekend" />'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 't', severity: 'error' });
      expect(problems[0].message).to.match(/form "onbekend", which is not deployed.*Known forms: melding-form, triage-form/);
    });

    it('trips on a Camunda form key instead of a form id', async () => {
      const problems = await problemsOf(withForm('<zeebe:formDefinition formKey="camunda-forms:bpmn:x" />'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/form key.*set the form id/);
    });

    it('warns about a user task without a form', async () => {
      const problems = await problemsOf(withForm(''), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 't', severity: 'warning' });
      expect(problems[0].message).to.match(/has no form/);
    });

    it('passes with a known form id', async () => {
      expect(await problemsOf(withForm('<zeebe:formDefinition formId="triage-form" />'), rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/feel-syntax', () => {
    const rule = 'samenspel/feel-syntax';

    it('trips on a condition that does not parse', async () => {
      const problems = await problemsOf(processXml(flow('f1', CONDITION('=urgentie = '))), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'f1', severity: 'error' });
      expect(problems[0].message).to.match(/condition of sequence flow "f1".*not valid FEEL/);
    });

    it('trips on bad input/output mappings, due dates, timers, correlation keys and assignments', async () => {
      const xml = definitions(`${message('m', 'Melding', '=registratie +* 1')}
<bpmn:process id="p" isExecutable="true">
  <bpmn:userTask id="task"><bpmn:extensionElements>
    <zeebe:assignmentDefinition candidateGroups="=if x then" />
    <zeebe:taskSchedule dueDate="=now( +" followUpDate="volgende week" />
    <zeebe:ioMapping><zeebe:input source="=a +* b" target="x" /><zeebe:output source="=(" target="y" /></zeebe:ioMapping>
  </bpmn:extensionElements></bpmn:userTask>
  <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
  ${timerEvent('timer', 'intermediateCatchEvent', duration('=duration('))}
</bpmn:process>`);
      const problems = await problemsOf(xml, rule);
      const byId = problems.map((p) => `${p.elementId}: ${p.message}`);
      expect(byId.filter((t) => t.startsWith('task:'))).to.have.length(5);
      expect(byId.some((t) => /candidate groups of user task "task"/.test(t))).to.equal(true);
      expect(byId.some((t) => /due date of user task "task".*not valid FEEL/.test(t))).to.equal(true);
      expect(byId.some((t) => /follow-up date.*neither a FEEL expression nor an ISO 8601 date-time/.test(t))).to.equal(true);
      expect(byId.some((t) => /input mapping "x"/.test(t))).to.equal(true);
      expect(byId.some((t) => /output mapping "y"/.test(t))).to.equal(true);
      expect(byId.some((t) => /^m: The correlation key of message "m"/.test(t))).to.equal(true);
      expect(byId.some((t) => /^timer: The timer duration/.test(t))).to.equal(true);
      expect(problems.every((p) => p.severity === 'error')).to.equal(true);
    });

    it('trips on an empty FEEL expression even without a checker', async () => {
      const problems = await problemsOf(processXml(flow('f1', CONDITION('='))), rule, { ...OPTIONS, checkFeel: undefined });
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/empty FEEL expression/);
    });

    it('checks nothing else without a checker (the default is a no-op)', async () => {
      const problems = await problemsOf(processXml(flow('f1', CONDITION('=urgentie = '))), rule, { ...OPTIONS, checkFeel: undefined });
      expect(problems).to.deep.equal([]);
    });

    it('passes valid FEEL everywhere', async () => {
      const xml = definitions(`${message('m', 'Melding', '=registratienummer')}
<bpmn:process id="p" isExecutable="true">
  ${flow('f1', CONDITION('=urgentie = "acuut" and count(kinderen) > 0'))}
  <bpmn:userTask id="task"><bpmn:extensionElements>
    <zeebe:assignmentDefinition candidateGroups="vt-triage" assignee="=behandelaar" />
    <zeebe:taskSchedule dueDate="=now() + duration(&#34;P5D&#34;)" followUpDate="2025-03-01T09:00:00+01:00" />
    <zeebe:ioMapping><zeebe:input source="=melding.adres" target="adres" /><zeebe:output source="besluit" target="uitkomst" /></zeebe:ioMapping>
  </bpmn:extensionElements></bpmn:userTask>
  ${timerEvent('timer', 'intermediateCatchEvent', duration('=duration("P" + string(dagen) + "D")'))}
</bpmn:process>`);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/no-scripts', () => {
    const rule = 'samenspel/no-scripts';

    it('trips on a script task', async () => {
      const xml = processXml('<bpmn:scriptTask id="x" scriptFormat="javascript"><bpmn:script>process.exit()</bpmn:script></bpmn:scriptTask>');
      const problems = await problemsOf(xml, rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'x', severity: 'error' });
      expect(problems[0].message).to.match(/script task \(javascript\).*never runs scripts/);
    });

    it('trips on a condition in another language', async () => {
      const problems = await problemsOf(processXml(flow('f1', CONDITION('this.environment', 'javascript'))), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'f1' });
      expect(problems[0].message).to.match(/language "javascript".*only evaluates FEEL/);
    });

    it('trips on a condition that does not start with "="', async () => {
      const problems = await problemsOf(processXml(flow('f1', CONDITION('false'))), rule);
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/\("false"\) is not a FEEL expression.*=urgentie = "acuut"/);
    });

    it('trips on ${...} in attributes and bodies', async () => {
      const xml = processXml(`${flow('f1', CONDITION('${environment.variables.x}'))}
<bpmn:userTask id="t" name="Kosten \${bedrag}"><bpmn:extensionElements>
  <zeebe:assignmentDefinition candidateGroups="\${groep.constructor}" />
</bpmn:extensionElements></bpmn:userTask>`);
      const problems = await problemsOf(xml, rule);
      const ids = problems.map((p) => p.elementId);
      expect(ids.filter((id) => id === 't')).to.have.length(2);
      expect(ids).to.include('f1');
      expect(problems.some((p) => /in "name"/.test(p.message))).to.equal(true);
      expect(problems.some((p) => /assignment definition of user task "t".*in "candidateGroups"/.test(p.message))).to.equal(true);
      expect(problems.every((p) => /Samenspel does not evaluate \$\{\.\.\.\} expressions|not a FEEL expression/.test(p.message))).to.equal(true);
    });

    it('passes FEEL conditions and ${ in documentation or annotations', async () => {
      const xml = processXml(`${flow('f1', CONDITION('=urgentie = "acuut"'))}
${flow('f2', CONDITION('=true', 'feel'))}
<bpmn:userTask id="t"><bpmn:documentation>Vul \${bedrag} in</bpmn:documentation></bpmn:userTask>
<bpmn:textAnnotation id="n"><bpmn:text>Voorbeeld: \${x}</bpmn:text></bpmn:textAnnotation>`);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/known-connectors', () => {
    const rule = 'samenspel/known-connectors';
    const task = (tag: string, type?: string) =>
      processXml(`<bpmn:${tag} id="x">${type === undefined ? '' : `<bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements>`}</bpmn:${tag}>`);

    it('trips on a service task without task definition', async () => {
      const problems = await problemsOf(task('serviceTask'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'x', severity: 'error' });
      expect(problems[0].message).to.match(/does not say which connector.*Known connector types: notify, webhook/);
    });

    it('trips on an unknown connector type on a send task', async () => {
      const problems = await problemsOf(task('sendTask', 'email'), rule);
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.match(/connector type "email", which Samenspel does not know/);
    });

    it('passes a known connector type', async () => {
      expect(await problemsOf(task('serviceTask', 'webhook'), rule)).to.deep.equal([]);
      expect(await problemsOf(task('sendTask', 'notify'), rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/message-names', () => {
    const rule = 'samenspel/message-names';

    it('trips on a message event without message', async () => {
      const xml = processXml('<bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>');
      const problems = await problemsOf(xml, rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'c', severity: 'error' });
      expect(problems[0].message).to.match(/does not say which message it waits for/);
    });

    it('trips on a message without a name', async () => {
      const xml = definitions(`${message('m', null)}<bpmn:process id="p" isExecutable="true">
        <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent></bpmn:process>`);
      const problems = await problemsOf(xml, rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 's', severity: 'error' });
      expect(problems[0].message).to.match(/message "m", which has no name/);
    });

    it('warns about a catch without correlation key', async () => {
      const xml = definitions(`${message('m', 'Zorgmelding')}<bpmn:process id="p" isExecutable="true">
        <bpmn:receiveTask id="r" messageRef="m" /></bpmn:process>`);
      const problems = await problemsOf(xml, rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'r', severity: 'warning' });
      expect(problems[0].message).to.match(/without a correlation key/);
    });

    it('passes named messages, with a correlation key where a case is joined', async () => {
      const xml = definitions(`${message('m1', 'Zorgmelding')}${message('m2', 'Terugkoppeling', '=registratienummer')}
<bpmn:process id="p" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:startEvent>
  <bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>
  <bpmn:endEvent id="e"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:endEvent>
</bpmn:process>`);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/timer-values', () => {
    const rule = 'samenspel/timer-values';

    const bad: Array<[string, string, RegExp]> = [
      ['no value', timerEvent('t', 'intermediateCatchEvent', ''), /timer without a value/],
      ['two values', timerEvent('t', 'intermediateCatchEvent', duration('PT1H') + date('2025-03-01T09:00:00Z')), /more than one timer value \(duration and date\)/],
      ['an invalid duration', timerEvent('t', 'intermediateCatchEvent', duration('2 dagen')), /timer duration "2 dagen", which is not valid.*PT2H/],
      ['a date without offset', timerEvent('t', 'intermediateCatchEvent', date('2025-03-01T09:00:00')), /timer date .* not valid/],
      ['an impossible date', timerEvent('t', 'intermediateCatchEvent', date('2025-02-30T09:00:00Z')), /not valid/],
      ['a cron cycle', timerEvent('t', 'startEvent', cycle('0 0 9 * * MON-FRI')), /cron expression.*not supported/],
      ['an invalid cycle', timerEvent('t', 'startEvent', cycle('R/elke dag')), /timer cycle .* not valid/],
      ['a cycle on an intermediate event', timerEvent('t', 'intermediateCatchEvent', cycle('R/PT1H')), /does not fit this event/],
      ['a duration on a start event', timerEvent('t', 'startEvent', duration('PT1H')), /does not fit this event/],
    ];

    for (const [label, content, pattern] of bad) {
      it(`trips on ${label}`, async () => {
        const problems = await problemsOf(processXml(content), rule);
        expect(problems, label).to.have.length(1);
        expect(problems[0]).to.include({ elementId: 't', severity: 'error' });
        expect(problems[0].message).to.match(pattern);
      });
    }

    it('passes valid ISO 8601 values and FEEL', async () => {
      const xml = processXml([
        timerEvent('t1', 'intermediateCatchEvent', duration('P1DT12H')),
        timerEvent('t2', 'intermediateCatchEvent', date('2025-03-01T09:00:00+01:00')),
        timerEvent('t3', 'startEvent', cycle('R3/2025-03-01T09:00:00Z/P1D')),
        timerEvent('t4', 'boundaryEvent', cycle('R/PT4H'), 'cancelActivity="false"'),
        timerEvent('t5', 'boundaryEvent', duration('P2W')),
        timerEvent('t6', 'intermediateCatchEvent', duration('=termijn')),
      ].join('\n'));
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });
  });

  describe('samenspel/process-settings', () => {
    const rule = 'samenspel/process-settings';
    const withSettings = (...props: Array<[string, string]>) =>
      processXml(`<bpmn:extensionElements><zeebe:properties>${props
        .map(([n, v]) => `<zeebe:property name="${n}" value="${v}" />`)
        .join('')}</zeebe:properties></bpmn:extensionElements>`, 'id="p" isExecutable="true"');

    it('trips on bad group names and a non-integer retention', async () => {
      const problems = await problemsOf(
        withSettings(['samenspel.starterGroups', 'politie-basisteam, VT Frontoffice'], ['samenspel.retentionDays', '10.5']),
        rule,
      );
      expect(problems).to.have.length(2);
      expect(problems.every((p) => p.elementId === 'p' && p.severity === 'error')).to.equal(true);
      expect(problems.some((p) => /"VT Frontoffice", which is not a group name/.test(p.message))).to.equal(true);
      expect(problems.some((p) => /retentionDays" of process "p" is "10.5".*whole number/.test(p.message))).to.equal(true);
    });

    it('warns about unknown samenspel settings and ignores other properties', async () => {
      const problems = await problemsOf(withSettings(['samenspel.colour', 'blue'], ['other.thing', 'x']), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ severity: 'warning' });
    });

    it('passes valid settings', async () => {
      const xml = withSettings(['samenspel.starterGroups', 'politie-basisteam, vt-frontoffice'], ['samenspel.retentionDays', '3650']);
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });

    it('accepts visibleTo settings naming known organisations, for variables and paths', async () => {
      const xml = withSettings(
        ['samenspel.visibleTo.antecedenten', 'politie, om'],
        ['samenspel.visibleTo.melder.telefoon', 'veilig-thuis'],
      );
      expect(await problemsOf(xml, rule)).to.deep.equal([]);
    });

    it('trips on a visibleTo setting with an unknown organisation, naming the property and the organisation', async () => {
      const problems = await problemsOf(withSettings(['samenspel.visibleTo.antecedenten', 'politie, justitie']), rule);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ elementId: 'p', severity: 'error' });
      expect(problems[0].message).to.match(/"samenspel\.visibleTo\.antecedenten".*"justitie", which is not an organisation.*veilig-thuis, politie, om, rvdk, reclassering, gemeente/);
    });

    it('trips on an empty visibleTo list, a missing or unsafe variable name and a duplicate', async () => {
      const problems = await problemsOf(
        withSettings(
          ['samenspel.visibleTo.notities', ' , '],
          ['samenspel.visibleTo.', 'politie'],
          ['samenspel.visibleTo.x.__proto__', 'politie'],
          ['samenspel.visibleTo.a', 'om'],
          ['samenspel.visibleTo.a', 'politie'],
        ),
        rule,
      );
      expect(problems.map((p) => p.severity)).to.deep.equal(['error', 'error', 'error', 'error']);
      expect(problems.some((p) => /visibleTo\.notities".*is empty/.test(p.message))).to.equal(true);
      expect(problems.filter((p) => /does not name a variable/.test(p.message))).to.have.length(2);
      expect(problems.some((p) => /visibleTo\.a" appears more than once/.test(p.message))).to.equal(true);
    });
  });
});
