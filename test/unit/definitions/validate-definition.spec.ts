import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { sortProblems, type Problem } from '../../../src/definitions/problem.js';
import { validateDefinition } from '../../../src/definitions/validate-definition.js';
import { MINIMAL_VALID, OPTIONS, definitions, processXml } from './bpmn-snippets.js';

const MIWG_DIR = path.resolve(process.cwd(), '../shared/fixtures/miwg');

function summarize(problems: Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const byRule = new Map<string, number>();
  for (const p of errors) byRule.set(p.rule, (byRule.get(p.rule) ?? 0) + 1);
  const reasons = [...byRule.entries()].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} x${n}`);
  return `${errors.length} errors, ${problems.length - errors.length} warnings${reasons.length ? `: ${reasons.join(', ')}` : ''}`;
}

describe('validateDefinition', () => {
  it('accepts the minimal Samenspel diagram without errors or warnings', async () => {
    const result = await validateDefinition(MINIMAL_VALID, OPTIONS);
    expect(result.problems).to.deep.equal([]);
    expect(result.processes).to.deep.equal([
      {
        id: 'melding-triage',
        name: 'Melding triage',
        isExecutable: true,
        settings: { starterGroups: ['politie-basisteam', 'vt-frontoffice'], retentionDays: 3650 },
      },
    ]);
  });

  it('reports a missing form and an unknown connector in the same diagram', async () => {
    const result = await validateDefinition(MINIMAL_VALID, { knownFormIds: [], connectorTypes: [] });
    expect(result.problems.map((p) => `${p.rule} ${p.elementId} ${p.severity}`)).to.deep.equal([
      'samenspel/form-exists triage error',
    ]);
  });

  it('stops after parse problems', async () => {
    const xml = MINIMAL_VALID.replace('<bpmn:endEvent id="end-regulier"', '<bpmn:endEvent id="end-acuut"');
    const result = await validateDefinition(xml, OPTIONS);
    expect(result.problems.length).to.be.greaterThan(0);
    expect(result.problems.every((p) => p.rule.startsWith('parse/'))).to.equal(true);
    expect(result.problems.some((p) => p.rule === 'parse/duplicate-id' && p.elementId === 'end-acuut')).to.equal(true);
    expect(result.processes).to.deep.equal([]);
  });

  it('refuses a DOCTYPE without parsing', async () => {
    const xml = MINIMAL_VALID.replace('<bpmn:definitions', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<bpmn:definitions');
    const result = await validateDefinition(xml, OPTIONS);
    expect(result.problems).to.have.length(1);
    expect(result.problems[0].rule).to.equal('parse/unsafe-xml');
  });

  it('reads settings of every process, executable or not', async () => {
    const xml = definitions(`<bpmn:process id="a" name="A" isExecutable="false" />
<bpmn:process id="b" isExecutable="true"><bpmn:extensionElements><zeebe:properties>
  <zeebe:property name="samenspel.starterGroups" value="vt-frontoffice" />
  <zeebe:property name="samenspel.retentionDays" value="nooit" />
</zeebe:properties></bpmn:extensionElements></bpmn:process>`);
    const result = await validateDefinition(xml, OPTIONS);
    expect(result.processes).to.deep.equal([
      { id: 'a', name: 'A', isExecutable: false, settings: { starterGroups: [] } },
      { id: 'b', name: null, isExecutable: true, settings: { starterGroups: ['vt-frontoffice'] } },
    ]);
    expect(result.problems.some((p) => p.rule === 'samenspel/process-settings' && p.elementId === 'b')).to.equal(true);
  });

  it('reads samenspel.visibleTo.<variable> settings into settings.visibility', async () => {
    const xml = definitions(`<bpmn:process id="b" isExecutable="true"><bpmn:extensionElements><zeebe:properties>
  <zeebe:property name="samenspel.visibleTo.antecedenten" value="politie, om, politie" />
  <zeebe:property name="samenspel.visibleTo.melder.telefoon" value="veilig-thuis" />
  <zeebe:property name="samenspel.visibleTo.notities" value="politie, onbekend" />
</zeebe:properties></bpmn:extensionElements></bpmn:process>`);
    const result = await validateDefinition(xml, OPTIONS);
    expect(result.processes[0].settings).to.deep.equal({
      starterGroups: [],
      visibility: { antecedenten: ['politie', 'om'], 'melder.telefoon': ['veilig-thuis'] },
    });
    const settingsProblems = result.problems.filter((p) => p.rule === 'samenspel/process-settings');
    expect(settingsProblems.map((p) => p.severity)).to.deep.equal(['error']);
    expect(settingsProblems[0].message).to.match(/samenspel\.visibleTo\.notities.*"onbekend"/);
  });

  it('sorts errors before warnings, then by element', async () => {
    const xml = processXml(`<bpmn:userTask id="z-task" /><bpmn:userTask id="a-task" />`);
    const { problems } = await validateDefinition(xml, OPTIONS);
    expect(problems).to.deep.equal(sortProblems(problems));
    const firstWarning = problems.findIndex((p) => p.severity === 'warning');
    expect(firstWarning).to.be.greaterThan(0);
    expect(problems.slice(firstWarning).every((p) => p.severity === 'warning')).to.equal(true);
    const errorIds = problems.slice(0, firstWarning).map((p) => p.elementId ?? '');
    expect(errorIds).to.deep.equal([...errorIds].sort());
  });

  it('never throws, whatever the input', async () => {
    const inputs: unknown[] = [
      undefined,
      null,
      0,
      {},
      [],
      '',
      '<',
      '<<<>>>',
      '<?xml version="1.0"?>',
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
      definitions('<bpmn:process id="p" isExecutable="true"><bpmn:sequenceFlow id="f" /></bpmn:process>'),
      definitions('<bpmn:process id="p" isExecutable="true"><bpmn:boundaryEvent id="b" /></bpmn:process>'),
      definitions('<bpmn:process id="p" isExecutable="true"><bpmn:userTask id="u"><bpmn:extensionElements><zeebe:properties /></bpmn:extensionElements></bpmn:userTask></bpmn:process>'),
      definitions('<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeDate /></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:process>'),
      '\u0000\uFFFF<x>',
      String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 7919) % 65536)),
    ];
    for (const input of inputs) {
      for (const options of [OPTIONS, undefined, null, { knownFormIds: 'x', connectorTypes: 5 }]) {
        const result = await validateDefinition(input as string, options as typeof OPTIONS);
        expect(result.problems, String(input).slice(0, 40)).to.be.an('array');
        expect(result.processes).to.be.an('array');
      }
    }
  });

  it('reports a checker that throws as a FEEL problem instead of failing', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" /><bpmn:endEvent id="e" />
<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=x</bpmn:conditionExpression></bpmn:sequenceFlow>`);
    const result = await validateDefinition(xml, {
      ...OPTIONS,
      checkFeel: () => {
        throw new Error('boom');
      },
    });
    expect(result.problems.some((p) => p.rule === 'samenspel/feel-syntax' && /boom/.test(p.message))).to.equal(true);
  });

  describe('MIWG reference models', function () {
    if (!existsSync(MIWG_DIR)) {
      it(`skipped: the MIWG fixtures folder ${MIWG_DIR} does not exist`, function () {
        this.skip(); // the shared fixtures are not beside this checkout
      });
      return;
    }

    const files = readdirSync(MIWG_DIR).filter((f) => f.endsWith('.bpmn')).sort();

    it('has fixtures to check', () => {
      expect(files.length).to.be.greaterThan(0);
    });

    for (const file of files) {
      it(`${file} gets a verdict without throwing`, async () => {
        const xml = readFileSync(path.join(MIWG_DIR, file), 'utf8');
        const result = await validateDefinition(xml, OPTIONS);
        expect(result.problems).to.be.an('array');
        for (const p of result.problems) {
          expect(p.message, `${p.rule} ${p.elementId}`).to.be.a('string').and.not.equal('');
          expect(['error', 'warning']).to.include(p.severity);
        }
        // none of the reference models is a Samenspel diagram: each must be refused
        expect(result.problems.some((p) => p.severity === 'error'), file).to.equal(true);
        // eslint-disable-next-line no-console
        console.log(`      ${file}: ${summarize(result.problems)}`);
      });
    }
  });
});
