/**
 * Screenshots of the editor for docs/screenshots (npm run screenshots): sign-in, the
 * properties panel, live validation, the form editor, the comparison with the deployed
 * version and running cases on the diagram. Same steps as the browser tests, on a
 * server with the shipped processes and temporary data.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserKit } from './support/browser-kit.js';
import {
  dropUserTaskOnFlow,
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

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const KEY = 'zorgmelding-politie';

const kit = await startBrowserKit();
const { page, server } = kit;
page.setDefaultTimeout(15_000);
const shot = async (name: string, keepToasts = false) => {
  if (!keepToasts) await page.evaluate(() => document.querySelectorAll('.toast').forEach((toast) => toast.remove()));
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
};

try {
  await mkdir(OUT, { recursive: true });
  await page.goto(`${server.baseUrl}/`);
  await page.waitForSelector('#username');
  await shot('signin');

  await kit.signIn('eigenaar');
  await openProcess(page, KEY);
  await zoomAt(page, 'Task_zorgmelding_opstellen', -150);
  await select(page, 'Task_zorgmelding_opstellen');
  await openGroup(page, 'assignmentDefinition');
  await openGroup(page, 'form');
  await shot('editor-properties');

  await page.click('[data-action=zoom-fit]');
  await zoomAt(page, 'Task_terugkoppeling_verwerken', -200);
  await nudgeRight(page, 'End_verwerkt', 16);
  const taskId = await dropUserTaskOnFlow(page, 'Flow_5');
  // the new task's name is typed straight onto the shape
  await page.waitForSelector('.djs-direct-editing-parent');
  await page.keyboard.type('Afspraken vastleggen');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.djs-direct-editing-parent', { state: 'hidden' });
  await page.waitForSelector(problemRow(taskId, 'samenspel/user-task-assignment'));
  // scroll the new task towards the middle, so that its problem list has room
  const canvasBox = (await page.locator('#canvas').boundingBox())!;
  await page.mouse.move(canvasBox.x + canvasBox.width / 2, canvasBox.y + canvasBox.height / 2);
  await page.mouse.wheel(350, 0);
  await page.waitForTimeout(200);
  await page.hover(`.djs-overlay-linting .bjsl-icon-error`);
  await shot('editor-lint');

  await setName(page, 'Afspraken vastleggen');
  await setCandidateGroups(page, 'politie-basisteam');
  await page.waitForSelector(problemRow(taskId, 'samenspel/user-task-assignment'), { state: 'detached' });
  await page.click('.right-tabs [data-tab=form]');
  await page.click('[data-action=create-form]');
  await page.waitForSelector('.form-dialog .fjs-editor-container');
  await shot('form-editor');
  await page.click('[data-action=form-done]');
  await page.waitForSelector('.form-dialog', { state: 'detached' });
  await saveDraft(page);
  await shot('editor-form-tab', true);

  await page.click('[data-action=compare]');
  await page.waitForSelector('[data-testid=diff-list]');
  await shot('editor-diff');
  await page.click('[data-action=close-compare]');

  await signOut(page);
  await kit.signIn('admin');
  await openProcess(page, KEY);
  await page.click('[data-action=deploy]');
  await page.waitForSelector('.toast-success:has-text("Versie 2")');
  for (const businessKey of ['PL-2026-000101', 'PL-2026-000102', 'PL-2026-000103']) {
    const started = await server.call('POST', '/api/instances', { json: { definitionKey: KEY, businessKey } });
    if (started.status !== 201) throw new Error(`start failed: ${started.text}`);
  }
  await page.click('.toast-close');
  await page.click('[data-action=zoom-fit]');
  await page.click('[data-action=cases]');
  await page.waitForSelector('[data-testid=cases-summary][data-active="3"]');
  await zoomAt(page, 'Task_zorgmelding_opstellen', -120);
  await shot('editor-cases');
  if (kit.problems.length) console.error('console problems:', kit.problems);
} finally {
  await kit.close();
}
