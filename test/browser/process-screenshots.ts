/**
 * One picture per shipped process for docs/processes (npm run screenshots:processes):
 * each diagram opened in the editor as the process owner, fitted to a wide canvas.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserKit } from './support/browser-kit.js';
import { openProcess } from './support/editor-steps.js';

const OUT = fileURLToPath(new URL('../../docs/processes/', import.meta.url));
const KEYS = ['zorgmelding-politie', 'melding-veilig-thuis', 'zorg-straf-afweging', 'tijdelijk-huisverbod', 'verzoek-onderzoek-rvdk', 'reclasseringsadvies'];

const kit = await startBrowserKit({ viewport: { width: 2400, height: 1300 } });
const { page } = kit;
page.setDefaultTimeout(20_000);
try {
  await mkdir(OUT, { recursive: true });
  await kit.signIn('eigenaar');
  for (const key of KEYS) {
    await openProcess(page, key);
    await page.click('[data-action=zoom-fit]');
    await page.waitForTimeout(500);
    await page.evaluate(() => document.querySelectorAll('.toast').forEach((toast) => toast.remove()));
    await page.locator('#canvas').screenshot({ path: path.join(OUT, `${key}.png`) });
    console.log(`docs/processes/${key}.png`);
  }
} finally {
  await kit.close();
}
