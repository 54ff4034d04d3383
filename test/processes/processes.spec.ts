/**
 * The diagrams and forms of processes/ as a whole: they validate without problems, deploy
 * as a directory (as `npm start` does), hand over to each other by message consistently,
 * give each task the candidate groups of DOMAIN.md, and carry a complete, readable layout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createBpmnModdle } from '../../src/engine/compile-definition.js';
import { describeProcesses, type ProcessModel } from '../../src/engine/element-model.js';
import { createHarness, type Harness } from '../support/runtime-harness.js';
import { PROCESS_DIR, PROCESS_IDS, allForms, formsOf, processXml, type ProcessId } from './process-support.js';

/** Candidate groups of DOMAIN.md, by organisation. */
const DOMAIN_GROUPS: Record<string, string[]> = {
  'veilig-thuis': ['vt-frontoffice', 'vt-triage', 'vt-onderzoek', 'vt-teamleider'],
  politie: ['politie-basisteam', 'politie-hgkm', 'politie-hulpofficier'],
  om: ['om-officier'],
  rvdk: ['rvdk-onderzoek'],
  reclassering: ['reclassering-advies'],
  gemeente: ['gemeente-burgemeester'],
};
const ALL_GROUPS = Object.values(DOMAIN_GROUPS).flat();

/** Every user task of every process and who does it. */
const TASK_GROUPS: Record<ProcessId, Record<string, string[]>> = {
  'zorgmelding-politie': {
    Task_zorgmelding_opstellen: ['politie-basisteam'],
    Task_terugkoppeling_navragen: ['politie-basisteam'],
    Task_terugkoppeling_verwerken: ['politie-basisteam'],
  },
  'melding-veilig-thuis': {
    Task_vraag_aannemen: ['vt-frontoffice'],
    Task_advies: ['vt-frontoffice'],
    Task_registreren: ['vt-frontoffice'],
    Task_triage: ['vt-triage'],
    Task_direct_ingrijpen: ['vt-triage'],
    Task_terugkoppeling_melder: ['vt-triage'],
    Task_overdracht: ['vt-triage'],
    Task_uitkomst_afweging: ['vt-onderzoek'],
    Task_onderzoek: ['vt-onderzoek'],
    Task_monitoring_1: ['vt-onderzoek'],
    Task_monitoring_2: ['vt-onderzoek'],
    Task_monitoring_3: ['vt-onderzoek'],
    Task_verzoek_rvdk: ['vt-onderzoek'],
    Task_rapportage_rvdk: ['vt-onderzoek'],
    Task_opschalen_triage: ['vt-teamleider'],
    Task_opschalen_onderzoek: ['vt-teamleider'],
  },
  'zorg-straf-afweging': {
    Task_informatie_vt: ['vt-onderzoek'],
    Task_informatie_politie: ['politie-hgkm'],
    Task_besluit_om: ['om-officier'],
    Task_afspraken_politie: ['politie-hgkm'],
    Task_uitkomst_vt: ['vt-onderzoek'],
    Task_afdoening: ['om-officier'],
    Task_overtreding: ['om-officier'],
  },
  'tijdelijk-huisverbod': {
    Task_rihg: ['politie-hulpofficier'],
    Task_besluit: ['politie-hulpofficier', 'gemeente-burgemeester'],
    Task_hulp: ['vt-onderzoek'],
    Task_advies_verlenging: ['vt-onderzoek'],
    Task_besluit_verlenging: ['gemeente-burgemeester'],
    Task_monitoring_1: ['vt-onderzoek'],
    Task_monitoring_2: ['vt-onderzoek'],
    Task_monitoring_3: ['vt-onderzoek'],
  },
  'verzoek-onderzoek-rvdk': {
    Task_beoordelen: ['rvdk-onderzoek'],
    Task_onderzoek: ['rvdk-onderzoek'],
    Task_termijn: ['rvdk-onderzoek'],
    Task_verzoek_kinderrechter: ['rvdk-onderzoek'],
    Task_uitspraak: ['rvdk-onderzoek'],
  },
  reclasseringsadvies: {
    Task_advies: ['reclassering-advies'],
    Task_vertraging: ['reclassering-advies'],
    Task_contact: ['reclassering-advies'],
  },
};

/** The hand-overs: message name -> sender, receiver and the correlation key both evaluate. */
const MESSAGES: Record<string, { from: ProcessId; to: ProcessId; key: string }> = {
  Zorgmelding: { from: 'zorgmelding-politie', to: 'melding-veilig-thuis', key: '=registratienummer' },
  Terugkoppeling: { from: 'melding-veilig-thuis', to: 'zorgmelding-politie', key: '=registratienummer' },
  VerzoekHuisverbod: { from: 'melding-veilig-thuis', to: 'tijdelijk-huisverbod', key: '=vtDossiernummer' },
  BesluitHuisverbod: { from: 'tijdelijk-huisverbod', to: 'melding-veilig-thuis', key: '=vtDossiernummer' },
  ZorgStrafAfwegingGestart: { from: 'melding-veilig-thuis', to: 'zorg-straf-afweging', key: '=vtDossiernummer' },
  UitkomstZorgStrafAfweging: { from: 'zorg-straf-afweging', to: 'melding-veilig-thuis', key: '=vtDossiernummer' },
  VerzoekOnderzoekRvdK: { from: 'melding-veilig-thuis', to: 'verzoek-onderzoek-rvdk', key: '=vtDossiernummer' },
  RapportageRvdK: { from: 'verzoek-onderzoek-rvdk', to: 'melding-veilig-thuis', key: '=vtDossiernummer' },
  VerzoekReclasseringsadvies: { from: 'zorg-straf-afweging', to: 'reclasseringsadvies', key: '=parketnummer' },
  Reclasseringsadvies: { from: 'reclasseringsadvies', to: 'zorg-straf-afweging', key: '=parketnummer' },
  OpdrachtToezicht: { from: 'zorg-straf-afweging', to: 'reclasseringsadvies', key: '=parketnummer' },
  OvertredingToezicht: { from: 'reclasseringsadvies', to: 'zorg-straf-afweging', key: '=parketnummer' },
  EindeToezicht: { from: 'reclasseringsadvies', to: 'zorg-straf-afweging', key: '=parketnummer' },
};

/** Who may start each process by hand; processes started by message only have none. */
const SETTINGS: Record<ProcessId, { starterGroups: string[]; retentionDays: number }> = {
  'zorgmelding-politie': { starterGroups: ['politie-basisteam'], retentionDays: 1825 },
  'melding-veilig-thuis': { starterGroups: ['vt-frontoffice'], retentionDays: 7300 },
  'zorg-straf-afweging': { starterGroups: ['politie-hgkm'], retentionDays: 3650 },
  'tijdelijk-huisverbod': { starterGroups: ['politie-hulpofficier', 'gemeente-burgemeester'], retentionDays: 1825 },
  'verzoek-onderzoek-rvdk': { starterGroups: [], retentionDays: 3650 },
  reclasseringsadvies: { starterGroups: [], retentionDays: 1825 },
};

type Moddle = Record<string, any>;
interface Parsed {
  id: ProcessId;
  root: Moddle;
  model: ProcessModel;
  messages: Map<string, { name: string; key: string | undefined }>;
}

async function parse(id: ProcessId): Promise<Parsed> {
  const { rootElement } = await createBpmnModdle().fromXML(processXml(id));
  const root = rootElement as Moddle;
  const model = describeProcesses(root as Parameters<typeof describeProcesses>[0]).find((process) => process.id === id)!;
  const messages = new Map<string, { name: string; key: string | undefined }>();
  for (const element of root.rootElements.filter((e: Moddle) => e.$type === 'bpmn:Message')) {
    const subscription = (element.extensionElements?.values ?? []).find((v: Moddle) => v.$type === 'zeebe:Subscription');
    messages.set(element.id, { name: element.name, key: subscription?.correlationKey });
  }
  return { id, root, model, messages };
}

function flowElements(container: Moddle): Moddle[] {
  const result: Moddle[] = [];
  for (const element of container.flowElements ?? []) {
    result.push(element);
    if (element.flowElements) result.push(...flowElements(element));
  }
  return result;
}

describe('processes/', () => {
  let parsed: Parsed[];
  before(async () => {
    parsed = await Promise.all(PROCESS_IDS.map(parse));
  });

  describe('deployment', () => {
    let h: Harness;
    afterEach(async () => h?.close());

    it('holds exactly the six processes, one file each', () => {
      const files = readdirSync(PROCESS_DIR).filter((f) => f.endsWith('.bpmn')).map((f) => f.replace(/\.bpmn$/, '')).sort();
      expect(files).to.deep.equal([...PROCESS_IDS].sort());
    });

    it('validates every process without errors or warnings', async () => {
      h = await createHarness();
      for (const id of PROCESS_IDS) {
        const xml = processXml(id);
        const verdict = await h.deployments.validate({ xml, forms: formsOf(xml) });
        expect(verdict.problems.map((p) => `${p.severity} ${p.rule} ${p.elementId}: ${p.message}`), id).to.deep.equal([]);
        expect(verdict.valid).to.equal(true);
      }
    });

    it('deploys the whole directory as npm start does, and again without creating versions', async () => {
      h = await createHarness();
      const first = await h.deployments.deployDirectory(PROCESS_DIR, 'system');
      expect(first.map((d) => d.key).sort()).to.deep.equal([...PROCESS_IDS].sort());
      expect(first.every((d) => d.version === 1 && !d.unchanged)).to.equal(true);
      const again = await h.deployments.deployDirectory(PROCESS_DIR, 'system');
      expect(again.every((d) => d.unchanged === true)).to.equal(true);
      for (const id of PROCESS_IDS) {
        const version = await h.store.definitions.getLatest(id);
        expect(version?.settings, id).to.deep.include(SETTINGS[id]);
        const referenced = Object.keys(formsOf(processXml(id))).sort();
        expect(Object.keys(version!.forms).sort(), id).to.deep.equal(referenced);
      }
    });
  });

  describe('hand-overs', () => {
    it('match the message catalogue: every message sent is received by the process it is for, with the same correlation key', () => {
      const found: Record<string, { from: string[]; to: string[]; keys: Set<string | undefined> }> = {};
      for (const process of parsed) {
        for (const element of process.model.elements.values()) {
          if (!element.messageName) continue;
          const entry = (found[element.messageName] ??= { from: [], to: [], keys: new Set() });
          (element.messageRole === 'throw' ? entry.from : entry.to).push(process.id);
          entry.keys.add(element.correlationKey);
        }
      }
      const summary = Object.fromEntries(
        Object.entries(found).map(([name, entry]) => [
          name,
          { from: [...new Set(entry.from)].join(), to: [...new Set(entry.to)].join(), key: [...entry.keys].join() },
        ]),
      );
      expect(summary).to.deep.equal(MESSAGES);
    });

    it('starts no two processes with the same message', () => {
      const starts = parsed.flatMap((p) => [...p.model.elements.values()].filter((e) => e.messageRole === 'start' && e.parentId === p.id).map((e) => e.messageName));
      expect(new Set(starts).size).to.equal(starts.length);
      expect(starts.sort()).to.deep.equal(['VerzoekHuisverbod', 'VerzoekOnderzoekRvdK', 'VerzoekReclasseringsadvies', 'Zorgmelding', 'ZorgStrafAfwegingGestart'].sort());
    });

    it('sends only mapped data: every message thrown has input mappings', () => {
      for (const process of parsed) {
        for (const element of process.model.elements.values()) {
          if (element.messageRole !== 'throw') continue;
          expect(element.inputs.length, `${process.id} ${element.id}`).to.be.greaterThan(0);
          expect(element.inputs.map((i) => i.target), `${process.id} ${element.id}`).to.not.include.members(['termijnTriageWerkdagen', 'onderbouwingTriage', 'opsporingsinformatie', 'antecedentenVerdachte', 'bevindingenRaad']);
        }
      }
    });

    it('draws every hand-over as a message flow to or from a collapsed partner pool', () => {
      for (const process of parsed) {
        const collaboration = process.root.rootElements.find((e: Moddle) => e.$type === 'bpmn:Collaboration');
        const own = collaboration.participants.find((p: Moddle) => p.processRef?.id === process.id);
        expect(own.processRef.laneSets?.[0]?.lanes?.length, process.id).to.be.greaterThan(0);
        const drawn = new Set<string>((collaboration.messageFlows ?? []).map((flow: Moddle) => flow.name));
        const used = new Set([...process.model.elements.values()].map((e) => e.messageName).filter(Boolean));
        expect([...drawn].sort(), process.id).to.deep.equal([...used].sort());
      }
    });
  });

  describe('tasks and forms', () => {
    it('gives every user task the candidate groups of DOMAIN.md', () => {
      for (const process of parsed) {
        const tasks = [...process.model.elements.values()].filter((e) => e.type === 'bpmn:UserTask');
        const actual = Object.fromEntries(tasks.map((t) => [t.id, (t.candidateGroups ?? '').split(',').map((g) => g.trim())]));
        expect(actual, process.id).to.deep.equal(TASK_GROUPS[process.id]);
        for (const groups of Object.values(actual)) expect(ALL_GROUPS).to.include.members(groups);
      }
    });

    it('gives every user task a form of processes/ and most of them a due date', () => {
      const forms = allForms();
      for (const process of parsed) {
        const tasks = [...process.model.elements.values()].filter((e) => e.type === 'bpmn:UserTask');
        for (const task of tasks) expect(forms, `${process.id} ${task.id}`).to.have.property(task.formId ?? '?');
        const withDue = tasks.filter((t) => t.dueDate);
        expect(withDue.length / tasks.length, process.id).to.be.at.least(0.75);
      }
    });

    it('has forms with an id equal to the file name, Dutch labels and required fields', () => {
      for (const file of readdirSync(PROCESS_DIR).filter((f) => f.endsWith('.form'))) {
        const form = JSON.parse(readFileSync(path.join(PROCESS_DIR, file), 'utf8'));
        expect(form.id, file).to.equal(file.replace(/\.form$/, ''));
        expect(form).to.include({ type: 'default', schemaVersion: 16 });
        const inputs = (form.components as Moddle[]).filter((c) => typeof c.key === 'string');
        expect(inputs.length, file).to.be.greaterThan(0);
        for (const input of inputs) expect(input.label ?? input.dateLabel, `${file} ${input.key}`).to.be.a('string').and.not.equal('');
        expect(inputs.some((c) => c.validate?.required), file).to.equal(true);
      }
    });
  });

  describe('diagrams', () => {
    it('use the zeebe vocabulary for Camunda Cloud only', () => {
      for (const id of PROCESS_IDS) {
        const xml = processXml(id);
        expect(xml, id).to.contain('xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"');
        expect(xml, id).to.contain('modeler:executionPlatform="Camunda Cloud"');
        expect(xml, id).to.not.match(/xmlns:camunda=|camunda:/);
        expect(xml, id).to.not.contain('${');
      }
    });

    it('name every element, every flow leaving a split, and document the process and its important steps', () => {
      for (const process of parsed) {
        const bpmnProcess = process.root.rootElements.find((e: Moddle) => e.id === process.id);
        expect(bpmnProcess.documentation?.[0]?.text, process.id).to.be.a('string').with.length.greaterThan(100);
        const elements = flowElements(bpmnProcess);
        for (const element of elements.filter((e) => e.$type !== 'bpmn:SequenceFlow')) {
          expect(element.name, `${process.id} ${element.id}`).to.be.a('string').and.not.equal('');
        }
        const splits = elements.filter((e) => e.$type === 'bpmn:ExclusiveGateway' && elements.filter((f) => f.sourceRef?.id === e.id).length > 1);
        for (const split of splits) {
          for (const flow of elements.filter((f) => f.$type === 'bpmn:SequenceFlow' && f.sourceRef.id === split.id)) {
            expect(flow.name, `${process.id} ${flow.id}`).to.be.a('string').and.not.equal('');
          }
        }
        const documented = elements.filter((e) => (e.documentation ?? []).length > 0);
        expect(documented.length, process.id).to.be.greaterThan(2);
      }
    });

    it('lay out every shape and edge, with orthogonal edges, shapes inside their lanes and no overlapping shapes', () => {
      for (const process of parsed) {
        const plane = process.root.diagrams[0].plane;
        const shapes = new Map<string, Moddle>();
        const edges = new Map<string, Moddle>();
        for (const di of plane.planeElement) (di.$type === 'bpmndi:BPMNShape' ? shapes : edges).set(di.bpmnElement.id, di);
        const bpmnProcess = process.root.rootElements.find((e: Moddle) => e.id === process.id);
        const elements = flowElements(bpmnProcess);
        for (const element of elements) {
          const map = element.$type === 'bpmn:SequenceFlow' ? edges : shapes;
          expect(map.has(element.id), `${process.id}: no diagram element for ${element.id}`).to.equal(true);
        }
        const collaboration = process.root.rootElements.find((e: Moddle) => e.$type === 'bpmn:Collaboration');
        for (const flow of collaboration.messageFlows) expect(edges.has(flow.id), flow.id).to.equal(true);
        for (const participant of collaboration.participants) expect(shapes.has(participant.id), participant.id).to.equal(true);

        for (const [id, edge] of edges) {
          const points = edge.waypoint as { x: number; y: number }[];
          expect(points.length, id).to.be.greaterThan(1);
          for (let i = 1; i < points.length; i++) {
            expect(points[i].x === points[i - 1].x || points[i].y === points[i - 1].y, `${process.id} ${id} segment ${i}`).to.equal(true);
          }
        }

        const lanes = bpmnProcess.laneSets[0].lanes as Moddle[];
        for (const lane of lanes) {
          const laneBounds = shapes.get(lane.id)!.bounds;
          for (const node of lane.flowNodeRef ?? []) {
            const b = shapes.get(node.id)!.bounds;
            const inside = b.y >= laneBounds.y && b.y + b.height <= laneBounds.y + laneBounds.height && b.x >= laneBounds.x && b.x + b.width <= laneBounds.x + laneBounds.width;
            expect(inside || node.$type === 'bpmn:BoundaryEvent', `${process.id}: ${node.id} outside lane ${lane.id}`).to.equal(true);
          }
        }
        const inLane = new Set(lanes.flatMap((lane) => (lane.flowNodeRef ?? []).map((n: Moddle) => n.id)));
        for (const element of bpmnProcess.flowElements.filter((e: Moddle) => e.$type !== 'bpmn:SequenceFlow')) {
          expect(inLane.has(element.id), `${process.id}: ${element.id} in no lane`).to.equal(true);
        }

        const nodes = elements.filter((e) => e.$type !== 'bpmn:SequenceFlow' && e.$type !== 'bpmn:BoundaryEvent' && e.$type !== 'bpmn:SubProcess');
        for (let i = 0; i < nodes.length; i++) {
          for (let j = i + 1; j < nodes.length; j++) {
            const a = shapes.get(nodes[i].id)!.bounds;
            const b = shapes.get(nodes[j].id)!.bounds;
            const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
            expect(overlap, `${process.id}: ${nodes[i].id} overlaps ${nodes[j].id}`).to.equal(false);
          }
        }
      }
    });
  });
});
