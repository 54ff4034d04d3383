/**
 * Screenshots of the work pages for docs/screenshots (npm run screenshots:work): the
 * inbox, a task form (laptop width) and the inbox on a tablet, the admin case page, the
 * deadline report and the hand-over overview. Same steps as inbox.spec / admin.spec.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserKit } from './support/browser-kit.js';
import { zorgmeldingAtTriage } from './support/work-steps.js';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const kit = await startBrowserKit({ viewport: { width: 1440, height: 900 } });
const { page, server } = kit;
page.setDefaultTimeout(15_000);
const shot = async (name: string) => {
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((toast) => toast.remove()));
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
};

try {
  await mkdir(OUT, { recursive: true });
  const now = new Date();
  server.clock.set(new Date(now.getTime() - 8 * 24 * 3600_000));
  const late = await zorgmeldingAtTriage(server, 'PL1300-2026000123');
  server.clock.set(new Date(now.getTime() - 2 * 24 * 3600_000));
  await zorgmeldingAtTriage(server, 'PL1300-2026000187');
  server.clock.set(now);
  await zorgmeldingAtTriage(server, 'PL1300-2026000231');

  await kit.signIn('vt-triagist', '/tasks');
  await page.waitForSelector('.task-item');
  await shot('inbox');
  await page.click('.task-item >> nth=0');
  await page.waitForSelector('.form-host .fjs-form-field');
  await page.click('[data-action=claim]');
  await page.waitForSelector('[data-action=unclaim]');
  await page.waitForSelector('.case-diagram .case-current');
  await page.click('[data-action=complete]');
  await page.waitForSelector('[data-testid=form-alert]:not([hidden])');
  await page.locator('.fjs-form-field-radio').nth(0).locator('label:has-text("Nee")').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('task-form');

  await page.setViewportSize({ width: 820, height: 1180 });
  await page.waitForTimeout(300);
  await shot('task-form-tablet');
  await page.setViewportSize({ width: 1440, height: 900 });

  // the administrator's case page: the late melding moved on to its triage, with history
  await page.evaluate(() => sessionStorage.clear());
  await kit.signIn('admin', `/admin#case=${late.meldingId}`);
  await page.waitForSelector('.case-diagram .case-current');
  await shot('admin-case');
  await page.goto(`${server.baseUrl}/admin#deadlines`);
  await page.waitForSelector('[data-testid=deadline-total]');
  await shot('admin-deadlines');
  await page.goto(`${server.baseUrl}/admin#handovers`);
  await page.waitForSelector('[data-testid=handover-table]');
  await shot('admin-handovers');
  if (kit.problems.length) console.error('console problems:', kit.problems);
} finally {
  await kit.close();
}
