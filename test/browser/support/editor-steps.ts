/**
 * What a process owner does in the editor, as steps the browser tests and the screenshot
 * script share. Everything goes through the page as a person would: mouse, keyboard,
 * fields; the model is read back from the DOM (`data-element-id`) and the API.
 */
import type { Page } from 'playwright-core';

export interface Point {
  x: number;
  y: number;
}

/** The centre of a diagram element on the screen. */
export async function centerOf(page: Page, elementId: string): Promise<Point> {
  const box = await page.locator(`#canvas .djs-element[data-element-id="${elementId}"]`).first().boundingBox();
  if (!box) throw new Error(`element ${elementId} is not on the canvas`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Ids of the diagram's elements as drawn (labels left out), sorted. */
export async function drawnElementIds(page: Page, canvas = '#canvas'): Promise<string[]> {
  return page.locator(`${canvas} .djs-element[data-element-id]`).evaluateAll((nodes) =>
    [...new Set(nodes.map((node) => node.getAttribute('data-element-id')!).filter((id) => !id.endsWith('_label')))].sort(),
  );
}

export async function openProcess(page: Page, key: string): Promise<void> {
  await page.click(`.process-item[data-key="${key}"]`);
  await page.waitForSelector(`.process-item.current[data-key="${key}"]`);
  await page.waitForSelector('#canvas .djs-element');
}

/** Zooms in on an element with Ctrl + mouse wheel, as people do. */
export async function zoomAt(page: Page, elementId: string, delta = -400): Promise<void> {
  const point = await centerOf(page, elementId);
  await page.mouse.move(point.x, point.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, delta);
  await page.keyboard.up('Control');
  await page.waitForTimeout(200);
}

/** Selects an element by clicking it. */
export async function select(page: Page, elementId: string): Promise<void> {
  const point = await centerOf(page, elementId);
  await page.mouse.click(point.x, point.y);
  await page.waitForSelector(`#canvas .djs-element.selected[data-element-id="${elementId}"]`);
}

/** Moves the selected element with Shift + arrow keys (10 px per press). */
export async function nudgeRight(page: Page, elementId: string, presses: number): Promise<void> {
  await select(page, elementId);
  for (let i = 0; i < presses; i++) await page.keyboard.press('Shift+ArrowRight');
}

/**
 * Takes a user task from the palette and drops it on a sequence flow, which splits the
 * flow around it. Returns the new task's id.
 */
export async function dropUserTaskOnFlow(page: Page, flowId: string): Promise<string> {
  const before = new Set(await drawnElementIds(page));
  await page.click('.djs-palette .entry[data-action="create.user-task"]');
  const box = await page.locator(`#canvas .djs-element[data-element-id="${flowId}"]`).boundingBox();
  if (!box) throw new Error(`flow ${flowId} is not on the canvas`);
  const target = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(target.x - 30, target.y, { steps: 4 });
  await page.mouse.move(target.x, target.y, { steps: 4 });
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(() => document.querySelectorAll('#canvas .djs-element.selected').length === 1);
  const added = (await drawnElementIds(page)).filter((id) => !before.has(id) && !/^Flow_|_di$/.test(id));
  const selected = await page.locator('#canvas .djs-element.selected').getAttribute('data-element-id');
  if (!selected || !added.includes(selected)) throw new Error(`no new task selected (added: ${added.join(', ')})`);
  return selected;
}

/** Opens a properties panel group (by its id) if it is closed. */
export async function openGroup(page: Page, groupId: string): Promise<void> {
  const header = page.locator(`.properties [data-group-id="group-${groupId}"] .bio-properties-panel-group-header`);
  if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
}

export async function setName(page: Page, name: string): Promise<void> {
  await openGroup(page, 'general');
  await page.fill('#bio-properties-panel-name', name);
}

export async function setCandidateGroups(page: Page, groups: string): Promise<void> {
  await openGroup(page, 'assignmentDefinition');
  await page.fill('#bio-properties-panel-assignmentDefinitionCandidateGroups', groups);
}

/** The problems the problems panel lists, as `severity elementId rule`. */
export async function listedProblems(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=problem-list] .problem:not(.problem-server)')
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-severity')} ${row.getAttribute('data-element-id')} ${row.getAttribute('data-rule')}`));
}

export function problemRow(elementId: string, rule: string): string {
  return `[data-testid=problem-list] .problem:not(.problem-server)[data-element-id="${elementId}"][data-rule="${rule}"]`;
}

/** Creates the starter form for the selected task in the form tab, then closes the form editor. */
export async function createFormForSelection(page: Page): Promise<string> {
  await page.click('.right-tabs [data-tab=form]');
  await page.click('[data-action=create-form]');
  await page.waitForSelector('.form-dialog .fjs-editor-container');
  await page.click('[data-action=form-done]');
  await page.waitForSelector('.form-dialog', { state: 'detached' });
  return (await page.textContent('[data-testid=linked-form-id]'))!.trim();
}

export async function saveDraft(page: Page): Promise<void> {
  await page.click('[data-action=save]');
  await page.waitForSelector('[data-testid=save-status][data-state=saved]');
}

export async function signOut(page: Page): Promise<void> {
  await page.click('[data-action=sign-out]');
  await page.waitForURL((url) => url.pathname === '/');
  await page.waitForSelector('#username');
}

/** Opens a file from disk through the file menu's hidden input. */
export async function openFromDisk(page: Page, file: string): Promise<void> {
  await page.setInputFiles('[data-testid=open-file-input]', file);
}

/** Downloads the diagram as .bpmn through the file menu; returns the saved path. */
export async function downloadBpmn(page: Page, saveAs: string): Promise<string> {
  await page.click('[data-action=file-menu]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download-bpmn]')]);
  await download.saveAs(saveAs);
  return saveAs;
}
