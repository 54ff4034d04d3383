/**
 * Steps shared by the inbox and admin browser tests (and the screenshots): cases made
 * through the API as the demo users would, and an axe-core accessibility check.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import * as data from '../../processes/form-data.js';
import type { TestServer } from '../../integration/support/integration-kit.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function ok<T = any>(server: TestServer, method: string, url: string, options: Parameters<TestServer['call']>[2]): Promise<T> {
  const answer = await server.call(method, url, options);
  if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${answer.text}`);
  return answer.body as T;
}

/** The open task of a case at an element, as the administrator sees it. */
export async function taskAt(server: TestServer, instanceId: string, elementId: string): Promise<any> {
  const { items } = await ok(server, 'GET', `/api/tasks?instanceId=${encodeURIComponent(instanceId)}`, { as: 'admin' });
  const task = items.find((item: any) => item.elementId === elementId);
  if (!task) throw new Error(`no open task at ${elementId} in ${instanceId}: ${items.map((item: any) => item.elementId).join(', ')}`);
  return task;
}

export async function completeAs(server: TestServer, user: string, instanceId: string, elementId: string, variables: Record<string, unknown>): Promise<void> {
  const task = await taskAt(server, instanceId, elementId);
  await ok(server, 'POST', `/api/tasks/${task.id}/complete`, { as: user, json: { variables } });
}

/**
 * The police send a zorgmelding (agent) and Veilig Thuis's front office registers it:
 * the melding waits at the triage (vt-triage). `registratienummer` makes the business key.
 */
export async function zorgmeldingAtTriage(server: TestServer, registratienummer: string): Promise<{ policeId: string; meldingId: string }> {
  const police = await ok(server, 'POST', '/api/instances', { as: 'agent', json: { definitionKey: 'zorgmelding-politie' } });
  await completeAs(server, 'agent', police.id, 'Task_zorgmelding_opstellen', { ...data.zorgmelding, registratienummer });
  const { items } = await ok(server, 'GET', `/api/instances?definitionKey=melding-veilig-thuis&businessKey=${encodeURIComponent(registratienummer)}`, { as: 'admin' });
  if (items.length !== 1) throw new Error(`expected one melding for ${registratienummer}, found ${items.length}`);
  const meldingId = items[0].id as string;
  await completeAs(server, 'vt-frontoffice', meldingId, 'Task_registreren', { ...data.registratie, vtDossiernummer: `VT-2026-${registratienummer.slice(-6)}` });
  return { policeId: police.id, meldingId };
}

export const triage = data.triage;

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page; returns serious and critical violations. */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (selector) => {
    const axe = (window as any).axe;
    const result = await axe.run(selector ? { include: [selector] } : document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((violation: any) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.slice(0, 3).map((node: any) => node.target.join(' ')) }));
  }, include ?? null);
  return violations.filter((violation: any) => violation.impact === 'serious' || violation.impact === 'critical').map((violation: any) => `${violation.impact} ${violation.id}: ${violation.help} @ ${violation.nodes.join(' | ')}`);
}
