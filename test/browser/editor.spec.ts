/**
 * The process editor in Chromium, as the demo process owner (`eigenaar`) and the
 * administrator (`admin`): sign in, open a shipped process, add a user task with a
 * candidate group and a form, watch a lint problem come and go, save a draft, compare it
 * with the deployed version, deploy it and see a started case on the diagram.
 *
 * The steps build on each other (one server, one browser, in order).
 */
import { expect } from 'chai';
import { startBrowserKit, type BrowserKit } from './support/browser-kit.js';
import {
  centerOf,
  dropUserTaskOnFlow,
  listedProblems,
  nudgeRight,
  openGroup,
  openProcess,
  problemRow,
  saveDraft,
  select,
  setCandidateGroups,
  setName,
  signOut,
  zoomAt,
} from './support/editor-steps.js';

const KEY = 'zorgmelding-politie';

describe('browser: process editor', function () {
  this.timeout(60_000);
  let kit: BrowserKit;
  let taskId = '';
  let formId = '';

  before(async function () {
    this.timeout(120_000);
    kit = await startBrowserKit();
    kit.page.setDefaultTimeout(10_000);
  });
  after(async () => kit?.close());
  afterEach(function () {
    // Every step must leave the console clean (CSP violations and script errors show up there).
    expect(kit.problems, 'console errors').to.deep.equal([]);
  });

  it('should sign the process owner in and bring them to the editor with the shipped processes', async () => {
    const { page } = kit;
    await page.goto(`${kit.server.baseUrl}/`);
    expect(await page.textContent('h1')).to.equal('Aanmelden');
    await page.click('.lang-switch [data-lang=en]');
    await page.waitForSelector('h1:text-is("Sign in")');
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    await page.click('.lang-switch [data-lang=nl]');
    await page.waitForSelector('h1:text-is("Aanmelden")');
    await page.fill('#username', 'eigenaar');
    await page.fill('#password', 'fout');
    await page.click('button[type=submit]');
    await page.waitForSelector('.alert-error:not([hidden])');
    expect(await page.textContent('.alert-error')).to.contain('klopt niet');
    // Chromium logs the refused sign-in (401) as a failed resource: expected here, once.
    expect(kit.problems).to.have.length(1);
    expect(kit.problems[0]).to.contain('401');
    kit.problems.length = 0;

    await kit.signIn('eigenaar');
    expect(new URL(page.url()).pathname).to.equal('/editor');
    await page.waitForSelector(`.process-item[data-key="${KEY}"]`);
    const keys = await page.locator('.process-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-key')));
    expect(keys).to.include.members(['melding-veilig-thuis', 'zorgmelding-politie', 'tijdelijk-huisverbod', 'reclasseringsadvies']);
    expect(await page.isVisible('[data-action=deploy]')).to.equal(false);
  });

  it('should open a shipped process with its versions and no problems', async () => {
    const { page } = kit;
    await openProcess(page, KEY);
    expect(await page.textContent('[data-testid=title]')).to.equal('Zorgmelding politie');
    expect(await page.textContent('[data-testid=source]')).to.equal('versie 1');
    expect(await page.getAttribute('[data-testid=problem-count]', 'data-errors')).to.equal('0');
    expect(await page.locator('[data-testid=version-list] [data-version="1"]').count()).to.equal(1);
    expect(await page.getAttribute('[data-testid=save-status]', 'data-state')).to.equal('clean');

    // the properties panel shows the task's assignment, its FEEL due date styled by CodeMirror (no inline <style>)
    await select(page, 'Task_zorgmelding_opstellen');
    await openGroup(page, 'assignmentDefinition');
    expect(await page.inputValue('#bio-properties-panel-assignmentDefinitionCandidateGroups')).to.equal('politie-basisteam');
    const feel = page.locator('.properties [data-group-id="group-assignmentDefinition"] .cm-editor').first();
    expect(await feel.evaluate((element) => getComputedStyle(element).display)).to.equal('flex');
    expect(await feel.textContent()).to.contain('add working days');
    await page.keyboard.press('Escape');
  });

  it('should add a user task through the palette, flag it until it has a candidate group, and link a new form', async () => {
    const { page } = kit;
    await zoomAt(page, 'Task_terugkoppeling_verwerken');
    await nudgeRight(page, 'End_verwerkt', 16);
    taskId = await dropUserTaskOnFlow(page, 'Flow_5');
    await page.keyboard.press('Escape'); // leave the name editing that starts on a new shape

    // what Samenspel does not run is not offered
    await page.click('.djs-context-pad .entry[data-action="replace"]');
    await page.waitForSelector('.djs-popup .entry[data-id="replace-with-service-task"]');
    const offered = await page.locator('.djs-popup .entry').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-id')));
    expect(offered).to.include.members(['replace-with-task', 'replace-with-service-task', 'replace-with-send-task', 'replace-with-receive-task']);
    expect(offered.filter((id) => /script|rule|call-activity|transaction|ad-hoc|loop|-mi$/.test(id ?? ''))).to.deep.equal([]);
    await page.keyboard.press('Escape');

    // the problem appears: in the list and as a visible badge on the element
    await page.waitForSelector(problemRow(taskId, 'samenspel/user-task-assignment'));
    expect(await page.getAttribute('[data-testid=save-status]', 'data-state')).to.equal('dirty');
    const badge = page.locator('.djs-overlay-linting .bjsl-icon-error').first();
    await badge.waitFor();
    const colour = await badge.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(colour, 'the lint badge must be drawn in a colour').not.to.be.oneOf(['rgba(0, 0, 0, 0)', 'transparent', '']);

    await setName(page, 'Afspraken vastleggen');
    await setCandidateGroups(page, 'politie-basisteam');
    // ... and disappears once the task says who does it (the panel applies input after a debounce)
    await page.waitForSelector(problemRow(taskId, 'samenspel/user-task-assignment'), { state: 'detached' });
    await page.waitForSelector(problemRow(taskId, 'samenspel/form-exists'));

    // the form editor opens on a starter form; its preview renders it as case workers will see it
    await page.click('.right-tabs [data-tab=form]');
    await page.click('[data-action=create-form]');
    await page.waitForSelector('.form-dialog .fjs-editor-container');
    await page.click('.form-dialog [data-tab=preview]');
    await page.waitForSelector('[data-testid=form-preview] .fjs-form label:has-text("Toelichting")');
    await page.click('[data-action=form-done]');
    formId = (await page.textContent('[data-testid=linked-form-id]'))!.trim();
    expect(formId).to.equal('zorgmelding-politie-afspraken-vastleggen');
    await page.waitForSelector(problemRow(taskId, 'samenspel/form-exists'), { state: 'detached' });
    expect(await page.textContent('[data-testid=form-fields]')).to.contain('Toelichting');
    expect((await listedProblems(page)).filter((problem) => problem.startsWith('error'))).to.deep.equal([]);
  });

  it('should save the draft with its form', async () => {
    const { page, server } = kit;
    await saveDraft(page);
    expect(await page.textContent('[data-testid=source]')).to.equal('concept');
    const draft = await server.call('GET', `/api/drafts/${KEY}`, { as: 'eigenaar' });
    expect(draft.status).to.equal(200);
    expect(draft.body.xml).to.contain(`id="${taskId}" name="Afspraken vastleggen"`);
    expect(draft.body.xml).to.contain('candidateGroups="politie-basisteam"');
    expect(draft.body.xml).to.contain(`formId="${formId}"`);
    expect(Object.keys(draft.body.forms)).to.deep.equal([formId]);
    expect(draft.body.problems.filter((problem: { severity: string }) => problem.severity === 'error')).to.deep.equal([]);
  });

  it('should show the difference with the deployed version', async () => {
    const { page } = kit;
    await page.click('[data-action=compare]');
    await page.waitForSelector('[data-testid=diff-list]');
    expect(await page.isVisible('[data-testid=diff-old]')).to.equal(true);
    const added = await page.locator('[data-testid=diff-list] [data-kind=added] li').evaluateAll((items) => items.map((item) => item.getAttribute('data-element-id')));
    expect(added).to.include(taskId);
    expect(await page.getAttribute(`#canvas .djs-element[data-element-id="${taskId}"]`, 'class')).to.contain('diff-added');
    // the end event moved and its incoming flow changed target
    const changedOrMoved = await page
      .locator('[data-testid=diff-list] [data-kind=changed] li, [data-testid=diff-list] [data-kind=layout] li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-element-id')));
    expect(changedOrMoved).to.include('End_verwerkt');
    // old -> new, the right way round (bpmn-js-differ 3.2.0 swaps them)
    const flowChange = await page.textContent('[data-testid=diff-list] [data-kind=changed] li[data-element-id="Flow_5"]');
    expect(flowChange).to.match(/targetRef: Terugkoppeling verwerkt → Afspraken vastleggen/);
    await page.click('[data-action=close-compare]');
    expect(await page.isVisible('[data-testid=diff-old]')).to.equal(false);
  });

  it('should let the administrator deploy the draft as version 2', async () => {
    const { page, server } = kit;
    await signOut(page);
    await kit.signIn('admin');
    await page.waitForSelector(`.process-item[data-key="${KEY}"] .badge-draft`);
    await openProcess(page, KEY);
    expect(await page.textContent('[data-testid=source]')).to.equal('concept');
    expect(await page.isVisible('[data-action=save]')).to.equal(false);

    await page.click('[data-action=deploy]');
    await page.waitForSelector('.toast-success:has-text("Versie 2")');
    expect(await page.textContent('[data-testid=source]')).to.equal('versie 2');
    expect(await page.getAttribute('[data-testid=server-verdict]', 'data-valid')).to.equal('true');
    const definition = await server.call('GET', `/api/definitions/${KEY}`);
    expect(definition.body.versions.map((v: { version: number }) => v.version)).to.deep.equal([1, 2]);
    expect((await server.call('GET', `/api/forms/${formId}`)).status).to.equal(200);
  });

  it('should count a case started through the API on the diagram', async () => {
    const { page, server } = kit;
    const started = await server.call('POST', '/api/instances', { json: { definitionKey: KEY, businessKey: 'PL-2026-BROWSER' } });
    expect(started.status, started.text).to.equal(201);
    expect(started.body.version).to.equal(2);

    await page.click('[data-action=cases]');
    await page.waitForSelector('[data-testid=cases-summary][data-active="1"]');
    const badge = page.locator('.instance-badges[data-element-id="Task_zorgmelding_opstellen"] .instance-badge-active');
    expect(await badge.textContent()).to.equal('1');
    // the badge sits on the task
    const task = await centerOf(page, 'Task_zorgmelding_opstellen');
    const box = (await badge.boundingBox())!;
    expect(Math.abs(box.x - task.x)).to.be.below(120);
    expect(Math.abs(box.y - task.y)).to.be.below(120);
  });
});
