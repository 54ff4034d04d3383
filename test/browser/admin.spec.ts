/**
 * The administration page (`/admin`) in Chromium: the administrator finds a case with an
 * incident and retries it, migrates a waiting case to a new version (preview, refusal
 * with the reason, mapping), moves a case back one step (the task reappears for its
 * group), cancels one; the deadline report counts an overdue task; the hand-over
 * overview shows a zorgmelding awaiting feedback and then closed; axe-core on the case page.
 */
import { expect } from 'chai';
import { meldingV2Xml, meldingXml, triageForm, webhookXml } from '../integration/support/processes.js';
import { shippedProcessFiles, startBrowserKit, type BrowserKit } from './support/browser-kit.js';
import { completeAs, seriousViolations, triage, zorgmeldingAtTriage } from './support/work-steps.js';

const LATE = 'PL1300-2026000555';
const FRESH = 'PL1300-2026000666';

describe('browser: administration', function () {
  this.timeout(60_000);
  let kit: BrowserKit;
  const ids: Record<string, string> = {};

  before(async function () {
    this.timeout(120_000);
    kit = await startBrowserKit({ files: { ...(await shippedProcessFiles()), 'test-melding.bpmn': meldingXml(), 'test-webhook.bpmn': webhookXml, 'test-triage.form': JSON.stringify(triageForm) } });
    kit.page.setDefaultTimeout(10_000);
    const { server } = kit;
    const now = new Date();
    server.clock.set(new Date(now.getTime() - 8 * 24 * 3600_000));
    ids.late = (await zorgmeldingAtTriage(server, LATE)).meldingId;
    server.clock.set(now);
    ids.fresh = (await zorgmeldingAtTriage(server, FRESH)).meldingId;
    server.webhook.failures = 1;
    ids.incident = (await server.call('POST', '/api/instances', { as: 'admin', json: { definitionKey: 'test-webhook', businessKey: 'WEBHOOK-1', variables: { zaak: 'Z-1' } } })).body.id;
    ids.migrate = (await server.call('POST', '/api/instances', { as: 'admin', json: { definitionKey: 'test-melding', businessKey: 'MIGREER-1' } })).body.id;
    ids.cancel = (await server.call('POST', '/api/instances', { as: 'admin', json: { definitionKey: 'test-melding', businessKey: 'ANNULEER-1' } })).body.id;
    const v2 = await server.call('POST', '/api/deployments', { as: 'admin', json: { xml: meldingV2Xml() } });
    expect(v2.status, v2.text).to.equal(201);
  });
  after(async () => kit?.close());
  afterEach(function () {
    expect(kit.problems.filter((problem) => !/status of 4(09|22)/.test(problem)), 'console errors').to.deep.equal([]);
    kit.problems.length = 0;
  });

  const openCase = async (key: string) => {
    const { page } = kit;
    await page.goto(`${kit.server.baseUrl}/admin#cases`);
    await page.waitForSelector('#f-key');
    await page.uncheck('#f-incidents');
    await page.fill('#f-key', key);
    await page.click('[data-action=search]');
    await page.click(`[data-testid=case-table] a:text-is("${key}")`);
    await page.waitForSelector(`[data-testid=case-title]:has-text("${key}")`);
  };

  it('should find the case with an incident and retry it', async () => {
    const { page } = kit;
    await kit.signIn('admin', '/admin');
    expect(new URL(page.url()).pathname).to.equal('/admin');
    await page.check('#f-incidents');
    await page.click('[data-action=search]');
    await page.waitForSelector(`[data-testid=case-table] tr[data-instance-id="${ids.incident}"]`);
    expect(await page.locator('[data-testid=case-table] tbody tr').count()).to.equal(1);
    await page.click('[data-testid=case-table] a:text-is("WEBHOOK-1")');
    await page.waitForSelector('[data-testid=incidents] [data-incident-id]');
    await page.waitForSelector('.case-diagram svg');
    expect(await seriousViolations(page)).to.deep.equal([]);
    await page.click('[data-action=retry]');
    await page.waitForSelector('[data-testid=incidents] [data-incident-id]', { state: 'detached' });
    const after = await kit.server.call('GET', `/api/instances/${ids.incident}`, { as: 'admin' });
    expect(after.body.incidents).to.deep.equal([]);
    expect(after.body.status).to.not.equal('incident');
  });

  it('should refuse a migration without mapping with the reason, preview the mapped one and migrate the case to version 2', async () => {
    const { page } = kit;
    await openCase('MIGREER-1');
    await page.click('[data-action=migration-preview]');
    await page.waitForSelector('[data-testid=refused]:not([hidden])');
    expect(await page.textContent('[data-testid=refused]')).to.contain('triage');
    await page.fill('[data-map-from=triage]', 'veiligheidsbeoordeling');
    await page.click('[data-action=migration-preview]');
    await page.waitForSelector('[data-testid=migration-plan] li');
    expect(await page.textContent('[data-testid=migration-plan]')).to.contain('triage → veiligheidsbeoordeling');
    await page.click('[data-action=migrate]');
    await page.waitForSelector('.task-sub:has-text("Versie 2")');
    expect((await kit.server.call('GET', `/api/instances/${ids.migrate}`, { as: 'admin' })).body.version).to.equal(2);
  });

  it('should move a waiting case back one step with a reason: the registration reappears for the front office', async () => {
    const { page } = kit;
    await openCase(FRESH);
    await page.selectOption('#a-from', 'Task_triage');
    await page.selectOption('#a-to', 'Task_registreren');
    await page.click('[data-action=modify]');
    await page.waitForSelector('[data-testid=refused]:has-text("reden")');
    await page.fill('#a-reason', 'Registratie onvolledig: dossiernummer ontbrak');
    await page.click('[data-action=modify]');
    await page.waitForSelector('[data-testid=positions] [data-element-id=Task_registreren]');
    await page.waitForSelector('.case-diagram [data-element-id=Task_registreren].case-current');
    // the admin case page of a real process: diagram, positions, actions
    expect(await seriousViolations(page)).to.deep.equal([]);
    const inbox = await kit.server.call('GET', `/api/tasks?instanceId=${ids.fresh}`, { as: 'vt-frontoffice' });
    expect(inbox.body.items.map((task: any) => task.elementId)).to.deep.equal(['Task_registreren']);
    const audit = await kit.server.call('GET', `/api/audit?instanceId=${ids.fresh}`, { as: 'admin' });
    expect(audit.body.items.map((entry: any) => entry.action)).to.include('instance.modify');
  });

  it('should cancel a case with a reason', async () => {
    const { page } = kit;
    await openCase('ANNULEER-1');
    await page.fill('#a-reason', 'Dubbel aangemaakt');
    await page.click('[data-action=cancel-case]');
    await page.waitForSelector('.task-sub [data-status=cancelled]');
    expect((await kit.server.call('GET', `/api/instances/${ids.cancel}`, { as: 'admin' })).body.status).to.equal('cancelled');
  });

  it('should count the overdue triage in the deadline report', async () => {
    const { page } = kit;
    await page.goto(`${kit.server.baseUrl}/admin#deadlines`);
    await page.waitForSelector('[data-testid=deadline-table] tr[data-element-id=Task_triage]');
    expect(await page.textContent('[data-testid=deadline-table] tr[data-element-id=Task_triage] [data-testid=overdue-count]')).to.equal('1');
    expect(await page.textContent('[data-testid=deadline-table] tr[data-element-id=Task_triage]')).to.contain('veilig-thuis');
    await page.selectOption('#d-process', 'zorgmelding-politie');
    await page.waitForSelector('[data-testid=deadline-total][data-total="0"]');
  });

  it('should show the zorgmelding awaiting feedback, and closed once Veilig Thuis sent the terugkoppeling', async () => {
    const { page } = kit;
    await page.goto(`${kit.server.baseUrl}/admin#handovers`);
    const row = `[data-testid=handover-table] tr[data-message=Zorgmelding][data-correlation-key="${LATE}"]`;
    await page.waitForSelector(`${row}[data-feedback=awaiting]`);
    expect(await page.textContent(row)).to.contain('politie');
    expect(await page.textContent(row)).to.contain('veilig-thuis');
    await completeAs(kit.server, 'vt-triagist', ids.late, 'Task_triage', triage);
    await page.reload();
    await page.waitForSelector(`${row}[data-feedback=closed]`);
    await page.waitForSelector(`[data-testid=handover-table] tr[data-message=Terugkoppeling][data-correlation-key="${LATE}"]`);
    expect(await seriousViolations(page)).to.deep.equal([]);
  });
});
