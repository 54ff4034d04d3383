/**
 * Browser tests: Debian's chromium driven by playwright-core (never a downloaded
 * browser), a fresh profile per run, and a real Samenspel server on 127.0.0.1 port 0
 * with temporary data and the shipped processes. The pages are built once per run
 * (editor/build.ts) when the build is missing or older than its sources.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildEditor, DEFAULT_OUTDIR } from '../../../editor/build.js';
import { startTestServer, type TestServer } from '../../integration/support/integration-kit.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PROCESSES_DIR = path.join(ROOT, 'processes');

/** Newest modification time of the files below `dir` (skipping `skip` folders). */
async function newest(dir: string, skip: Set<string>): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? await newest(full, skip) : (await stat(full)).mtimeMs);
  }
  return latest;
}

let built: Promise<void> | null = null;

/** Builds the pages into editor/dist unless that build is newer than every source. */
export function ensureEditorBuilt(): Promise<void> {
  built ??= (async () => {
    const manifest = path.join(DEFAULT_OUTDIR, 'manifest.json');
    if (existsSync(manifest)) {
      const sources = Math.max(
        await newest(path.join(ROOT, 'editor'), new Set(['dist', 'node_modules'])),
        await newest(path.join(ROOT, 'src', 'definitions'), new Set()),
        (await stat(path.join(ROOT, 'package-lock.json'))).mtimeMs,
      );
      if ((await stat(manifest)).mtimeMs > sources) return;
    }
    await buildEditor();
  })();
  return built;
}

/** The shipped processes folder as files for startTestServer. */
export async function shippedProcessFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(PROCESSES_DIR)).sort()) {
    if (name.endsWith('.bpmn') || name.endsWith('.form')) files[name] = await readFile(path.join(PROCESSES_DIR, name), 'utf8');
  }
  return files;
}

export interface BrowserKit {
  server: TestServer;
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests seen so far. */
  problems: string[];
  /** Opens a page of the server and signs in through the sign-in form. */
  signIn(user: string, next?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserKit(options: { files?: Record<string, string>; viewport?: { width: number; height: number } } = {}): Promise<BrowserKit> {
  await ensureEditorBuilt();
  const server = await startTestServer({ files: options.files ?? (await shippedProcessFiles()) });
  // The browser judges the session's expiry by its own clock: run the server's clock on real time.
  server.clock.set(new Date());
  const profile = await mkdtemp(path.join(os.tmpdir(), 'samenspel-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      acceptDownloads: true,
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
    });
  } catch (err) {
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    p.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    p.on('dialog', (dialog) => void dialog.accept());
  };
  watch(page);
  context.on('page', watch);

  return {
    server,
    context,
    page,
    problems,
    async signIn(user, next = '/') {
      await page.goto(`${server.baseUrl}${next === '/' ? '/' : `/?next=${encodeURIComponent(next)}`}`);
      await page.fill('#username', user);
      await page.fill('#password', user);
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.pathname !== '/');
    },
    async close() {
      await context?.close().catch(() => undefined);
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
