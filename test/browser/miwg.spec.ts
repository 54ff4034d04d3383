/**
 * Real-world diagrams made by other tools (the BPMN MIWG reference models in
 * ../shared/fixtures/miwg): each opens from disk without an error, and what the editor
 * downloads opens again with the same elements.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startBrowserKit, type BrowserKit } from './support/browser-kit.js';
import { downloadBpmn, drawnElementIds, openFromDisk } from './support/editor-steps.js';

const MIWG_DIR = fileURLToPath(new URL('../../../shared/fixtures/miwg/', import.meta.url));
const FILES = existsSync(MIWG_DIR) ? readdirSync(MIWG_DIR).filter((name) => name.endsWith('.bpmn')).sort() : [];

describe('browser: MIWG reference diagrams open and export', function () {
  this.timeout(60_000);
  let kit: BrowserKit;
  let downloads: string;

  before(async function () {
    if (FILES.length === 0) this.skip(); // only without ../shared/fixtures/miwg (a checkout outside the workspace)
    this.timeout(120_000);
    kit = await startBrowserKit({ files: {} });
    kit.page.setDefaultTimeout(10_000);
    downloads = await mkdtemp(path.join(os.tmpdir(), 'samenspel-miwg-'));
    await kit.signIn('eigenaar');
    await kit.page.waitForSelector('#canvas .djs-element');
  });
  after(async () => {
    await kit?.close();
    if (downloads) await rm(downloads, { recursive: true, force: true });
  });

  for (const file of FILES) {
    it(`should open ${file} without an error and re-open its export with the same elements`, async () => {
      const { page } = kit;
      const toastsBefore = await page.locator('.toast-error').count();
      await openFromDisk(page, path.join(MIWG_DIR, file));
      await page.waitForSelector(`[data-testid=source]:text-is("uit bestand ${file}")`);
      expect(await page.locator('.toast-error').count(), 'error notices').to.equal(toastsBefore);
      const opened = await drawnElementIds(page);
      expect(opened.length).to.be.greaterThan(1);

      const exported = await downloadBpmn(page, path.join(downloads, `export-${file}`));
      await openFromDisk(page, exported);
      await page.waitForSelector(`[data-testid=source]:has-text("export-${file}")`);
      expect(await drawnElementIds(page)).to.deep.equal(opened);
      expect(await page.locator('.toast-error').count(), 'error notices').to.equal(toastsBefore);
      expect(kit.problems, 'console errors').to.deep.equal([]);
    });
  }
});
