/**
 * Bad input corpus: generated (fast-check, fixed seed) malformed and hostile requests and
 * BPMN/form files against every endpoint of an in-process server. Each must be refused with
 * a 4xx (never 5xx, never 2xx), change no case data, and the server keeps serving (a health
 * check and a valid request after each batch).
 *
 * POST /api/validate is the one endpoint whose purpose is to judge a file: a well-formed file
 * with problems gets 200 `{ valid: false }`; anything else it must refuse with 4xx.
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import fc from 'fast-check';
import { adhocXml, meldingXml, triageForm } from '../integration/support/processes.js';
import { startMelding, startTestServer, TEST_STORE, type ApiAnswer, type TestServer } from '../integration/support/integration-kit.js';

const SEED = Number(process.env.SAMENSPEL_FAULT_SEED ?? 20261129);
const PER_GROUP = Number(process.env.SAMENSPEL_FAULT_CASES ?? 30);

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0"`;

interface Case {
  label: string;
  method: string;
  path: string;
  as?: string | false;
  json?: unknown;
  raw?: string;
  contentType?: string;
  /** validate: 200 with valid=false is a refusal too. */
  judging?: boolean;
}

// ---- generators ---------------------------------------------------------------------------

const POLLUTING = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '💥'.repeat(300), '../../etc/passwd', '<script>alert(1)</script>', "'; DROP TABLE instances; --", 'x'.repeat(70_000), '=1/0', '${7*7}'),
);
const hugeNumber = fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '1.7976931348623157e309', '-0', '0.0000000000000000000000001', '9007199254740993');
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  weirdString,
);
/** A JSON text with one of the polluting keys, possibly nested. */
const pollutingText = (base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...POLLUTING), fc.boolean(), fc.jsonValue({ maxDepth: 2 })).map(([key, nested, value]) => {
    const text = JSON.stringify(base);
    const inner = `{"${key}": ${JSON.stringify(value ?? null)}, "isAdmin": true}`;
    return nested && key === '__proto__' && text.includes('"variables":{') ? text.replace('"variables":{', `"variables":{"${key}": ${inner},`) : `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"${key}": ${inner}}`;
  });
const deepJson = fc.integer({ min: 50, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const deepObject = fc.integer({ min: 50, max: 5000 }).map((depth) => `{"variables": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`);
const malformedJson = fc.oneof(
  fc.string({ maxLength: 60 }).map((text) => `{${text}`),
  fc.constantFrom('{"a":}', '{"a" 1}', "{'a': 1}", '[1,]', '{"a":1}{"b":2}', '\uFEFF{"a": 1', 'null', 'true', '"text"', '123', 'NaN', '{"a": undefined}'),
);

/**
 * A body that is wrong by construction: the valid body of the endpoint with an unknown
 * field, one field of the wrong type, a huge number, a polluting key, or deep nesting; or
 * not JSON at all.
 */
function badBody(valid: Record<string, unknown>, fields: string[]): fc.Arbitrary<{ json?: unknown; raw?: string; contentType?: string; label: string }> {
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !fields.includes(name) && !['__proto__'].includes(name)), fc.jsonValue({ maxDepth: 2 }))
      .map(([name, value]) => ({ json: { ...valid, [name]: value ?? 1 }, label: `unknown field ${JSON.stringify(name)}` })),
    fc.tuple(field, wrongValue).filter(([name, value]) => typeof value !== typeof valid[name] || Array.isArray(value) !== Array.isArray(valid[name]) || (typeof value === 'string' && value.length > 10_000)).map(([name, value]) => ({ json: { ...valid, [name]: value }, label: `wrong type of ${name}` })),
    fc.tuple(field, hugeNumber).map(([name, number]) => ({ raw: JSON.stringify({ ...valid, [name]: '§' }).replace('"§"', number), contentType: 'application/json', label: `huge number ${number} in ${name}` })),
    pollutingText(valid).map((raw) => ({ raw, contentType: 'application/json', label: 'polluting key' })),
    deepJson.map((raw) => ({ raw, contentType: 'application/json', label: 'deep array' })),
    deepObject.map((raw) => ({ raw, contentType: 'application/json', label: 'deep object' })),
    malformedJson.map((raw) => ({ raw, contentType: 'application/json', label: 'malformed JSON' })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16').map((contentType) => ({ raw: JSON.stringify(valid), contentType, label: `content type ${contentType}` })),
  );
}

/** A BPMN process wrapped in definitions. */
const defs = (content: string, prolog = '') => `<?xml version="1.0" encoding="UTF-8"?>${prolog}
<bpmn:definitions ${NS} id="Defs_bad" targetNamespace="http://samenspel.test" modeler:executionPlatform="Camunda Cloud">
${content}
</bpmn:definitions>`;
const key = fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/).map((k) => `bad-${k}`);
/** A user task nobody can take: makes any otherwise fine process invalid. */
const unassigned = `<bpmn:userTask id="zwevend" name="Niemand" />`;

/**
 * Hostile and invalid BPMN files: never deployable. Deep nesting, huge attributes, unknown
 * elements, cyclic flows without an end, invalid FEEL, entities, dangling references, not XML.
 */
const badXml: fc.Arbitrary<{ xml: string; label: string; wellFormed: boolean }> = fc.oneof(
  fc.string({ maxLength: 200 }).map((xml) => ({ xml, label: 'not XML', wellFormed: false })),
  fc.tuple(key, fc.integer({ min: 100, max: 30_000 })).map(([k, depth]) => ({
    xml: defs(`<bpmn:process id="${k}" isExecutable="true"><bpmn:startEvent id="s" />${'<bpmn:extensionElements>'.repeat(depth)}${'</bpmn:extensionElements>'.repeat(depth)}${unassigned}</bpmn:process>`),
    label: `nesting ${depth}`,
    wellFormed: true,
  })),
  fc.tuple(key, fc.integer({ min: 10_000, max: 2_000_000 })).map(([k, size]) => ({
    xml: defs(`<bpmn:process id="${k}" name="${'A'.repeat(size)}" isExecutable="true"><bpmn:startEvent id="s" />${unassigned}</bpmn:process>`),
    label: `attribute of ${size} characters`,
    wellFormed: true,
  })),
  fc.tuple(key, fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,15}$/), fc.constantFrom('bpmn', 'zeebe', 'foo')).map(([k, name, prefix]) => ({
    xml: defs(`<bpmn:process id="${k}" isExecutable="true"><bpmn:startEvent id="s" /><${prefix}:${name} id="x" evil="1"><${prefix}:${name} /></${prefix}:${name}>${unassigned}</bpmn:process>`),
    label: `unknown element ${prefix}:${name}`,
    wellFormed: prefix !== 'foo',
  })),
  fc.tuple(key, fc.integer({ min: 2, max: 30 })).map(([k, length]) => {
    const tasks = Array.from({ length }, (_, i) => `<bpmn:userTask id="t${i}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="vt-triage" /></bpmn:extensionElements></bpmn:userTask>`).join('');
    const flows = Array.from({ length }, (_, i) => `<bpmn:sequenceFlow id="c${i}" sourceRef="t${i}" targetRef="t${(i + 1) % length}" />`).join('');
    return { xml: defs(`<bpmn:process id="${k}" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="t0" />${tasks}${flows}</bpmn:process>`), label: `cycle of ${length} without an end`, wellFormed: true };
  }),
  fc.tuple(key, fc.constantFrom('=(((', '= 1 +', '=add working days(now(), ', '=@@', '= if then else', '={a: }', '= "unterminated', '=foo bar baz qux(')).map(([k, feel]) => ({
    xml: defs(`<bpmn:process id="${k}" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" /><bpmn:userTask id="t"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${feel.replace(/"/g, '&quot;')}" /><zeebe:taskSchedule dueDate="${feel.replace(/"/g, '&quot;')}" /></bpmn:extensionElements></bpmn:userTask><bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" /></bpmn:process>`),
    label: `invalid FEEL ${feel}`,
    wellFormed: true,
  })),
  fc.tuple(key, fc.constantFrom('SYSTEM "file:///etc/passwd"', '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"', 'SYSTEM "http://127.0.0.1:1/x"', '"<bpmn:userTask id=\'inj\' />"')).map(([k, entity]) => ({
    xml: defs(`<bpmn:process id="${k}" name="&e;" isExecutable="true"><bpmn:startEvent id="s" /></bpmn:process>`, `\n<!DOCTYPE d [ <!ENTITY lol "lol"> <!ENTITY e ${entity}> ]>`),
    label: `entity ${entity}`,
    wellFormed: false,
  })),
  fc.tuple(key, fc.string({ minLength: 1, maxLength: 10 })).map(([k, target]) => ({
    xml: defs(`<bpmn:process id="${k}" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="nergens-${encodeURIComponent(target)}" />${unassigned}</bpmn:process>`),
    label: 'dangling reference',
    wellFormed: true,
  })),
  fc.constantFrom(
    { xml: defs(''), label: 'no process', wellFormed: true },
    { xml: '<?xml version="1.0"?><foo/>', label: 'wrong root', wellFormed: true },
    { xml: defs('<bpmn:process id="__proto__" isExecutable="true"><bpmn:startEvent id="constructor" />' + unassigned + '</bpmn:process>'), label: 'polluting ids', wellFormed: true },
    { xml: defs('<bpmn:process id="dubbel" isExecutable="true"><bpmn:startEvent id="s" /><bpmn:startEvent id="s" /></bpmn:process>'), label: 'duplicate ids', wellFormed: true },
  ),
);

/** Hostile forms beside a valid process: never deployable. */
const badForms = fc.oneof(
  wrongValue.filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)).map((forms) => ({ forms, label: 'forms of the wrong type' })),
  fc.constantFrom(...POLLUTING).map((name) => ({ raw: `{"xml": ${JSON.stringify(meldingXml('Formproef'))}, "forms": {"${name}": {"components": []}, "test-triage": {"${name}": {"polluted": true}}}}`, label: `form key ${name}` })),
  wrongValue.map((components) => ({ forms: { 'test-triage': { ...triageForm, components: typeof components === 'object' && !Array.isArray(components) && components !== null ? 5 : components } }, label: 'components of the wrong type' })),
  fc.integer({ min: 100, max: 3000 }).map((depth) => {
    let component: any = { type: 'textfield', key: 'x', label: 'x' };
    for (let i = 0; i < depth; i++) component = { type: 'group', label: 'g', components: [component] };
    return { forms: { 'test-triage': { id: 'test-triage', type: 'default', components: [component] } }, label: `form nested ${depth}` };
  }),
  fc.constant({ forms: { 'test-triage': { id: 'ander-id', type: 'default', components: [{ type: 'select', key: 'urgentie', validate: { required: 'ja' }, values: 'acuut' }] } }, label: 'form id mismatch and wrong attributes' }),
);

const prototypeNames = Object.getOwnPropertyNames(Object.prototype).length;

// ---- the test -----------------------------------------------------------------------------

describe('faults: bad input corpus', function () {
  this.timeout(120_000);
  if (TEST_STORE !== 'sqlite') return;

  let t: TestServer;
  let db: Database.Database;
  let id: string;
  let taskId: string;
  const figures = { cases: 0, statuses: new Map<number, number>(), ms: 0 };

  before(async () => {
    t = await startTestServer();
    ({ id, taskId } = await startMelding(t));
    await t.call('PUT', '/api/drafts/bestaand', { as: 'eigenaar', xml: adhocXml('bestaand') });
    for (const user of ['admin', 'eigenaar', 'vt-frontoffice', 'vt-triagist', 'auditor']) await t.token(user);
    db = new Database(t.dbFile, { readonly: true, fileMustExist: true });
  });
  after(async () => {
    db?.close();
    await t?.close();
    const statuses = [...figures.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
    if (figures.cases > 0) console.log(`      bad input: ${figures.cases} cases in ${figures.ms} ms (${statuses})`);
  });

  /** Case data a refused request must leave alone (audit: only allowed entries). */
  function snapshot() {
    const one = (sql: string) => JSON.stringify(db.prepare(sql).all());
    return {
      instances: one('SELECT id, status, revision, variables FROM instances ORDER BY id'),
      tasks: one('SELECT id, state, assignee FROM tasks ORDER BY id'),
      definitions: one('SELECT key, version FROM definition_versions ORDER BY key, version'),
      forms: one('SELECT form_id, version FROM form_versions ORDER BY form_id, version'),
      drafts: one('SELECT * FROM drafts ORDER BY 1'),
      comments: one('SELECT COUNT(*) AS n FROM comments'),
      history: one('SELECT COUNT(*) AS n FROM history'),
      timers: one('SELECT COUNT(*) AS n FROM timers'),
    };
  }

  async function send(c: Case): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (c.contentType) headers['content-type'] = c.contentType;
    return t.call(c.method, c.path, { as: c.as === undefined ? 'admin' : (c.as as any), json: c.json, raw: c.raw, headers });
  }

  async function runBatch(name: string, cases: Case[]): Promise<void> {
    const started = Date.now();
    for (const c of cases) {
      const before = snapshot();
      const lastSeq = (db.prepare('SELECT MAX(seq) AS seq FROM audit_entries').get() as { seq: number }).seq;
      const answer = await send(c);
      figures.statuses.set(answer.status, (figures.statuses.get(answer.status) ?? 0) + 1);
      const what = `${c.method} ${c.path.slice(0, 120)} (${c.label}: ${(c.raw ?? JSON.stringify(c.json) ?? "").slice(0, 200)}) -> ${answer.status} ${answer.text.slice(0, 300)}`;
      const judged = c.judging === true && answer.status === 200 && answer.body?.valid === false;
      if (!judged) expect(answer.status, what).to.be.within(400, 499);
      expect(snapshot(), `state changed by ${what}`).to.deep.equal(before);
      // The audit log may grow by the refusal (denied, failed), and by the access decision of
      // a command that then failed (allowed + failed for the same action and resource).
      const added = db.prepare('SELECT action, resource, outcome FROM audit_entries WHERE seq > ?').all(lastSeq) as { action: string; resource: string; outcome: string }[];
      for (const entry of added.filter((e) => e.outcome === 'allowed')) {
        const failed = added.some((e) => e.outcome === 'failed' && e.action === entry.action && e.resource === entry.resource);
        const judgedRead = c.judging === true && entry.action === 'definition.validate';
        expect(failed || judgedRead, `audit entry ${entry.action} ${entry.resource} allowed by ${what}`).to.equal(true);
      }
      expect(({} as Record<string, unknown>).isAdmin, `Object.prototype polluted by ${what}`).to.equal(undefined);
      expect(Object.getOwnPropertyNames(Object.prototype).length, `Object.prototype changed by ${what}`).to.equal(prototypeNames);
    }
    figures.cases += cases.length;
    figures.ms += Date.now() - started;
    // Still serving: health and a valid request.
    expect((await t.call('GET', '/api/health', { as: false })).status, `health after ${name}`).to.equal(200);
    expect((await t.call('GET', `/api/instances/${id}`)).status, `a valid request after ${name}`).to.equal(200);
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect([verify.status, verify.body?.valid], `audit chain after ${name}: ${verify.text}`).to.deep.equal([200, true]);
  }

  const sample = <T>(arb: fc.Arbitrary<T>, salt: number, n = PER_GROUP): T[] => fc.sample(arb, { numRuns: n, seed: SEED + salt });
  const fromBodies = (method: string, path: () => string, valid: Record<string, unknown>, fields: string[], salt: number, as?: string | false): Case[] =>
    sample(badBody(valid, fields), salt).map((body) => ({ method, path: path(), as, ...body }));

  it('should refuse hostile sign-ins', async () => {
    await runBatch('sessions', fromBodies('POST', () => '/api/session', { username: 'admin', password: 'wrong' }, ['username', 'password'], 1, false));
  });

  it('should refuse hostile starts, cancels, migrations and modifications', async () => {
    await runBatch('instances', [
      ...fromBodies('POST', () => '/api/instances', { definitionKey: 'test-melding', variables: { a: 1 }, businessKey: 'bk-1' }, ['definitionKey', 'variables', 'businessKey'], 2, 'vt-frontoffice'),
      ...fromBodies('POST', () => `/api/instances/${id}/cancel`, { reason: 'test' }, ['reason'], 3),
      ...fromBodies('POST', () => `/api/instances/${id}/migrate`, { toVersion: 1, mapping: {} }, ['toVersion', 'mapping'], 4),
      ...fromBodies('POST', () => `/api/instances/${id}/modify`, { reason: 'test', instructions: [{ cancel: 'triage' }] }, ['reason', 'instructions'], 5),
      ...fromBodies('POST', () => `/api/instances/${id}/migration-plan`, { toVersion: 1 }, ['toVersion', 'mapping'], 6),
    ]);
  });

  it('should refuse hostile task commands and comments', async () => {
    await runBatch('tasks', [
      ...fromBodies('POST', () => `/api/tasks/${taskId}/complete`, { variables: { urgentie: 'acuut' } }, ['variables'], 7, 'vt-triagist'),
      ...fromBodies('POST', () => `/api/tasks/${taskId}/delegate`, { userId: 'vt-triagist' }, ['userId'], 8, 'vt-triagist'),
      ...fromBodies('POST', () => `/api/instances/${id}/comments`, { text: 'een opmerking' }, ['text', 'taskId', 'visibleTo'], 9, 'vt-triagist'),
      ...fromBodies('POST', () => '/api/messages', { name: 'TestAanvulling', correlationKey: 'nergens-0', variables: {} }, ['name', 'correlationKey', 'variables'], 10, 'admin'),
    ]);
  });

  it('should refuse hostile BPMN and form files on deploy, validate and drafts', async () => {
    const xmls = sample(badXml, 11, PER_GROUP * 2);
    const cases: Case[] = [];
    for (const [index, bad] of xmls.entries()) {
      const as = index % 2 === 0 ? { contentType: 'application/xml', raw: bad.xml } : { json: { xml: bad.xml } };
      cases.push({ method: 'POST', path: '/api/deployments', label: bad.label, ...as });
      cases.push({ method: 'POST', path: '/api/validate', label: bad.label, judging: true, ...as });
      // A draft is saved even with problems, even as broken XML (work in progress); only
      // files with a DOCTYPE (entities) must be refused there.
      if (bad.label.startsWith('entity')) cases.push({ method: 'PUT', path: `/api/drafts/concept-${index}`, as: 'eigenaar', label: bad.label, ...as });
    }
    for (const bad of sample(badForms, 12)) {
      const body = 'raw' in bad ? { raw: bad.raw as string, contentType: 'application/json' } : { json: { xml: meldingXml('Formproef'), forms: bad.forms } };
      cases.push({ method: 'POST', path: '/api/deployments', label: bad.label, ...body });
    }
    cases.push(...fromBodies('PUT', () => '/api/drafts/bestaand', { xml: adhocXml('bestaand') }, ['xml', 'forms'], 13, 'eigenaar'));
    await runBatch('definitions', cases);
  });

  it('should refuse hostile paths and queries on every reading endpoint', async () => {
    const badId = fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(5000), '__proto__', 'constructor', '%E0%A4%A', '%', '1e999', '-1'),
    ).map((value) => (/%/.test(value) ? value : encodeURIComponent(value)));
    const badQuery = fc.oneof(
      fc.constantFrom('limit=-1', 'limit=1e999', 'limit=abc', 'limit=0', 'limit=100000', 'cursor=%00%01', 'cursor=__proto__', 'limit=1&limit=2', 'limit=1.5', 'limit=%F0%9F%92%A5', 'cursor=' + 'x'.repeat(5000)),
      fc.tuple(fc.stringMatching(/^[a-z][a-zA-Z]{1,10}$/), fc.string({ maxLength: 10 })).map(([name, value]) => `limit=${encodeURIComponent(value)}x&${name}=1`),
    );
    const cases: Case[] = [];
    const paths = [
      (x: string) => `/api/instances/${x}`, (x: string) => `/api/instances/${x}/history`, (x: string) => `/api/instances/${x}/comments`, (x: string) => `/api/instances/${x}/export`,
      (x: string) => `/api/tasks/${x}`, (x: string) => `/api/tasks/${x}/candidates`, (x: string) => `/api/definitions/${x}`, (x: string) => `/api/definitions/${x}/versions/latest/xml`,
      (x: string) => `/api/definitions/test-melding/versions/${x}/statistics`, (x: string) => `/api/forms/${x}`, (x: string) => `/api/drafts/${x}`,
    ];
    for (const [index, value] of sample(badId, 14, PER_GROUP * 2).entries()) {
      const path = paths[index % paths.length](value);
      cases.push({ method: 'GET', path, label: 'bad id', as: path.startsWith('/api/drafts') ? 'eigenaar' : 'admin' });
    }
    const lists = ['/api/instances', '/api/tasks', '/api/definitions', '/api/drafts', '/api/messages', '/api/audit'];
    for (const [index, query] of sample(badQuery, 15, PER_GROUP * 2).entries()) {
      const list = lists[index % lists.length];
      cases.push({ method: 'GET', path: `${list}?${query}`, label: 'bad query', as: list === '/api/audit' ? 'auditor' : list === '/api/drafts' ? 'eigenaar' : 'admin' });
    }
    for (const [index, value] of sample(badId, 16).entries()) {
      cases.push({ method: 'POST', path: [`/api/tasks/${value}/claim`, `/api/tasks/${value}/unclaim`, `/api/tasks/${value}/complete`, `/api/instances/${value}/cancel`][index % 4], json: { reason: 'x', variables: {} }, label: 'bad id' });
      cases.push({ method: 'DELETE', path: `/api/drafts/${value}`, as: 'eigenaar', label: 'bad draft key' });
    }
    await runBatch('reading', cases);
  });

  it('should keep variables named constructor, prototype or toString as plain data (no pollution, no crash)', async () => {
    const raw = '{"definitionKey": "test-melding", "variables": {"constructor": {"prototype": {"isAdmin": true}}, "prototype": {"isAdmin": true}, "toString": "x", "valueOf": 1, "hasOwnProperty": null}}';
    const started = await t.call('POST', '/api/instances', { as: 'vt-frontoffice', raw, headers: { 'content-type': 'application/json' } });
    expect(started.status, started.text).to.equal(201);
    for (const path of [`/api/instances/${started.body.id}`, `/api/instances/${started.body.id}/history`, `/api/instances/${started.body.id}/export`, `/api/tasks?instanceId=${started.body.id}`, '/api/instances']) {
      const answer = await t.call('GET', path);
      expect(answer.status, `${path}: ${answer.text.slice(0, 300)}`).to.equal(200);
    }
    const detail = await t.call('GET', `/api/instances/${started.body.id}`);
    expect(detail.body.variables?.toString ?? detail.body.variables).to.not.equal(undefined);
    expect(({} as Record<string, unknown>).isAdmin).to.equal(undefined);
    expect(Object.getOwnPropertyNames(Object.prototype).length).to.equal(prototypeNames);
  });

  // Bug found here: a lone surrogate in an audited text (a message name, a path id) was hashed
  // as sent but stored as U+FFFD, which broke the audit chain for good.
  it('should keep the audit chain valid with lone surrogates in audited texts', async () => {
    const json = { 'content-type': 'application/json' };
    const answers = [
      await t.call('POST', '/api/messages', { raw: '{"name": "\\ud800", "correlationKey": "\\udfff"}', headers: json }),
      await t.call('POST', '/api/session', { as: false, raw: '{"username": "\\udbff\\ud800", "password": "x"}', headers: json }),
      await t.call('GET', '/api/instances/%ED%A0%80'),
      await t.call('POST', '/api/instances', { as: 'vt-frontoffice', raw: '{"definitionKey": "\\ud800"}', headers: json }),
    ];
    for (const answer of answers) expect(answer.status, answer.text).to.be.within(400, 499);
    const verify = await t.call('GET', '/api/audit/verify', { as: 'auditor' });
    expect([verify.status, verify.body?.valid], verify.text).to.deep.equal([200, true]);
  });

  it('should have tried at least 200 cases', () => {
    expect(figures.cases).to.be.at.least(200);
  });
});
