import { expect } from 'chai';

import { PARSE_LIMITS, parseBpmn } from '../../../src/definitions/parse-bpmn.js';
import { definitions, processXml } from './bpmn-snippets.js';

describe('parseBpmn', () => {
  it('parses a small diagram with zeebe extensions and no warnings', async () => {
    const { definitions: root, warnings } = await parseBpmn(
      processXml(`<bpmn:userTask id="task"><bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="vt-triage" />
      </bpmn:extensionElements></bpmn:userTask>`),
    );
    expect(warnings).to.deep.equal([]);
    expect(root?.$type).to.equal('bpmn:Definitions');
    const task = root?.rootElements[0].flowElements[0];
    expect(task.extensionElements.values[0].$type).to.equal('zeebe:AssignmentDefinition');
    expect(task.extensionElements.values[0].candidateGroups).to.equal('vt-triage');
  });

  describe('refuses before parsing', () => {
    for (const [label, input] of [
      ['undefined', undefined],
      ['null', null],
      ['a number', 42],
      ['an object', { xml: '<x/>' }],
      ['an empty string', ''],
      ['whitespace', '   \n '],
    ] as Array<[string, unknown]>) {
      it(`${label}`, async () => {
        const result = await parseBpmn(input as string);
        expect(result.definitions).to.equal(null);
        expect(result.warnings).to.have.length(1);
        expect(result.warnings[0]).to.include({ rule: 'parse/input', severity: 'error', elementId: null });
      });
    }

    it('a DOCTYPE (XXE / billion laughs)', async () => {
      const xml = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" name="&lol2;" /></bpmn:definitions>`;
      const result = await parseBpmn(xml);
      expect(result.definitions).to.equal(null);
      expect(result.warnings).to.have.length(1);
      expect(result.warnings[0].rule).to.equal('parse/unsafe-xml');
      expect(result.warnings[0].message).to.match(/DOCTYPE/).and.match(/line 2/);
    });

    it('an ENTITY declaration anywhere, even without DOCTYPE or in lower case', async () => {
      for (const declaration of ['<!ENTITY xxe SYSTEM "file:///etc/passwd">', '<!entity x "y">', '<! DOCTYPE x>']) {
        const xml = definitions(`<!-- ${declaration} --><bpmn:process id="p" />`);
        const result = await parseBpmn(xml);
        expect(result.definitions, declaration).to.equal(null);
        expect(result.warnings[0].rule).to.equal('parse/unsafe-xml');
      }
    });

    it('more than 5 MB', async () => {
      const padding = `<!-- ${'x'.repeat(PARSE_LIMITS.maxBytes)} -->`;
      const result = await parseBpmn(definitions(`${padding}<bpmn:process id="p" />`));
      expect(result.definitions).to.equal(null);
      expect(result.warnings[0].rule).to.equal('parse/too-large');
      expect(result.warnings[0].message).to.match(/5 MB/);
    });

    it('counts bytes, not characters (multi-byte text over 5 MB)', async () => {
      const padding = `<!-- ${'é'.repeat(PARSE_LIMITS.maxBytes / 2 + 10)} -->`;
      const result = await parseBpmn(definitions(`${padding}<bpmn:process id="p" />`));
      expect(result.warnings[0]?.rule).to.equal('parse/too-large');
    });

    it('more than 10,000 elements', async () => {
      const many = Array.from({ length: PARSE_LIMITS.maxElements }, (_, i) => `<bpmn:task id="t${i}" />`).join('');
      const result = await parseBpmn(processXml(many));
      expect(result.definitions).to.equal(null);
      expect(result.warnings[0].rule).to.equal('parse/too-large');
      expect(result.warnings[0].message).to.match(/10,000 XML elements/);
    });

    it('nesting deeper than 100 levels', async () => {
      const depth = PARSE_LIMITS.maxDepth;
      const nested = '<bpmn:subProcess id="s">'.repeat(depth) + '</bpmn:subProcess>'.repeat(depth);
      const result = await parseBpmn(processXml(nested));
      expect(result.definitions).to.equal(null);
      expect(result.warnings[0].rule).to.equal('parse/too-large');
      expect(result.warnings[0].message).to.match(/nested more than 100 levels/);
    });

    it('accepts ordinary nesting (the pre-scan ignores > inside attribute values)', async () => {
      const nested = Array.from({ length: 20 }, (_, i) => `<bpmn:subProcess id="s${i}" name="a > b">`).join('') +
        '</bpmn:subProcess>'.repeat(20);
      const result = await parseBpmn(processXml(nested));
      expect(result.warnings).to.deep.equal([]);
      expect(result.definitions).to.not.equal(null);
    });
  });

  it('reports malformed XML as one problem with the parser message and line', async () => {
    const xml = `<?xml version="1.0"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p">
    <bpmn:startEvent id="s">
  </bpmn:process>
</bpmn:definitions>`;
    const result = await parseBpmn(xml);
    expect(result.definitions).to.equal(null);
    expect(result.warnings).to.have.length(1);
    const [p] = result.warnings;
    expect(p).to.include({ rule: 'parse/xml', severity: 'error', elementId: null });
    expect(p.message).to.match(/not well-formed XML: closing tag mismatch at line 5/);
  });

  it('reports text that is not XML at all', async () => {
    const result = await parseBpmn('this is not xml');
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0].rule).to.equal('parse/xml');
    expect(result.warnings[0].message).to.match(/missing start tag at line 1/);
  });

  it('reports XML that is not BPMN', async () => {
    const result = await parseBpmn('<html><body>hi</body></html>');
    expect(result.definitions).to.equal(null);
    expect(result.warnings[0].rule).to.equal('parse/xml');
    expect(result.warnings[0].message).to.match(/not a BPMN 2\.0 diagram/);
  });

  it('turns a duplicate id into an error naming the id', async () => {
    const result = await parseBpmn(
      processXml(`<bpmn:startEvent id="start" />
<bpmn:endEvent id="start" />`),
    );
    expect(result.definitions).to.not.equal(null);
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0]).to.include({ rule: 'parse/duplicate-id', elementId: 'start', severity: 'error' });
    expect(result.warnings[0].message).to.match(/"start" is used by more than one element/);
  });

  it('turns an unknown element into an error naming its id', async () => {
    const result = await parseBpmn(processXml('<bpmn:fancyTask id="fancy" />'));
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0]).to.include({ rule: 'parse/unknown-element', elementId: 'fancy', severity: 'error' });
    expect(result.warnings[0].message).to.match(/<bpmn:fancyTask> on line \d+ is not known/);
  });

  it('names the enclosing element when an unknown element has no id of its own', async () => {
    const result = await parseBpmn(
      processXml(`<bpmn:userTask id="task">
  <bpmn:extensionElements><zeebe:bogus value="1" /></bpmn:extensionElements>
</bpmn:userTask>`),
    );
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0]).to.include({ rule: 'parse/unknown-element', elementId: 'task' });
    expect(result.warnings[0].message).to.match(/<zeebe:bogus> on line \d+ inside "task"/);
  });

  it('turns an unresolved reference into an error naming the referring element', async () => {
    const result = await parseBpmn(
      processXml(`<bpmn:startEvent id="start" />
<bpmn:sequenceFlow id="flow" sourceRef="start" targetRef="nowhere" />`),
    );
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0]).to.include({ rule: 'parse/unresolved-reference', elementId: 'flow' });
    expect(result.warnings[0].message).to.match(/refers to "nowhere" \(targetRef\)/);
  });

  it('turns an unknown attribute of a known namespace into an error', async () => {
    const result = await parseBpmn(processXml('<bpmn:startEvent id="start" bpmn:colour="red" />'));
    expect(result.warnings[0]).to.include({ rule: 'parse/unknown-attribute', elementId: 'start' });
  });

  it('only warns about a declared non-UTF-8 encoding when the text arrived intact', async () => {
    const xml = definitions('<bpmn:process id="p" />').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    const clean = await parseBpmn(xml);
    expect(clean.definitions).to.not.equal(null);
    expect(clean.warnings).to.have.length(1);
    expect(clean.warnings[0]).to.include({ rule: 'parse/encoding', severity: 'warning' });

    const garbled = await parseBpmn(xml.replace('id="p"', 'id="p" name="Caf\uFFFD"'));
    expect(garbled.warnings[0]).to.include({ rule: 'parse/encoding', severity: 'error' });
  });
});
