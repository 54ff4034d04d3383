/**
 * The browser pages and their bundles (built by `editor/build.ts` into `editor/dist`).
 *
 * - Each page is a small HTML shell (no inline script: the CSP allows only our own
 *   files) that loads its entry module and style sheet by content-hashed name. Pages are
 *   public; the scripts send users without a session to the sign-in page.
 * - `/static/<file>` serves the build's files: only names the manifest lists, cached for
 *   a year (the name changes with the content), as brotli or gzip when the browser takes
 *   it (compressed once at build time), with an ETag.
 * - Values the pages need from the server ride along as `<meta name="samenspel:...">`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';
import express, { type Request, type Response, type Router } from 'express';
import { setRoutePattern } from './route-pattern.js';

export interface Page {
  path: string;
  /** Entry name in the build (editor/build.ts ENTRY_POINTS). */
  entry: string;
  title: string;
}

/** The pages this server has: sign-in, the process editor, the inbox and the admin pages. */
export const PAGES: readonly Page[] = Object.freeze([
  { path: '/', entry: 'signin', title: 'Samenspel' },
  { path: '/editor', entry: 'modeler', title: 'Processen · Samenspel' },
  { path: '/tasks', entry: 'inbox', title: 'Taken · Samenspel' },
  { path: '/admin', entry: 'admin', title: 'Beheer · Samenspel' },
]);

export const DEFAULT_DIST_DIR = path.join(PROJECT_ROOT, 'editor', 'dist');

export interface PagesOptions {
  /** Where the build lives; default editor/dist. */
  distDir?: string;
  pages?: readonly Page[];
  /** Values for the pages, as `<meta name="samenspel:<key>" content="...">`. */
  meta?: () => Record<string, string>;
}

interface Manifest {
  builtAt: string;
  entries: Record<string, { js: string; css: string[] }>;
  files: Record<string, number>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.txt': 'text/plain; charset=utf-8',
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The build's manifest, read again when the file changes (a rebuild while running). */
function manifestReader(distDir: string): () => Manifest | null {
  const file = path.join(distDir, 'manifest.json');
  let cached: { mtimeMs: number; manifest: Manifest } | null = null;
  return () => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      cached = null;
      return null;
    }
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest };
    return cached.manifest;
  };
}

export function renderPage(page: Page, manifest: Manifest, meta: Record<string, string>): string {
  const assets = manifest.entries[page.entry];
  if (!assets) throw new Error(`the build has no entry "${page.entry}"`);
  const metaTags = Object.entries(meta)
    .map(([name, content]) => `<meta name="samenspel:${escapeHtml(name)}" content="${escapeHtml(content)}">`)
    .join('\n    ');
  return `<!doctype html>
<html lang="nl">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(page.title)}</title>
    <link rel="icon" href="data:,">
    ${metaTags}
    ${assets.css.map((css) => `<link rel="stylesheet" href="/static/${escapeHtml(css)}">`).join('\n    ')}
    <script type="module" src="/static/${escapeHtml(assets.js)}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>Samenspel needs JavaScript. / Samenspel werkt alleen met JavaScript.</noscript>
  </body>
</html>
`;
}

function etagOf(content: string | Buffer): string {
  return `"${createHash('sha256').update(content).digest('base64url').slice(0, 22)}"`;
}

function notBuilt(res: Response): void {
  res
    .status(503)
    .type('text/plain')
    .send('The Samenspel pages are not built yet: run `npm run build:editor` (npm start does it for you).\n');
}

function choosesEncoding(req: Request): ('br' | 'gzip')[] {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  const out: ('br' | 'gzip')[] = [];
  if (/\bbr\b/.test(accepted)) out.push('br');
  if (/\bgzip\b/.test(accepted)) out.push('gzip');
  return out;
}

export function pagesRouter(options: PagesOptions = {}): Router {
  const distDir = path.resolve(options.distDir ?? DEFAULT_DIST_DIR);
  const pages = options.pages ?? PAGES;
  const readManifest = manifestReader(distDir);
  const router = express.Router();

  for (const page of pages) {
    router.get(page.path, (req, res) => {
      setRoutePattern(res, page.path);
      const manifest = readManifest();
      if (!manifest) return notBuilt(res);
      const html = renderPage(page, manifest, options.meta?.() ?? {});
      const etag = etagOf(html);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('ETag', etag);
      if (req.headers['if-none-match'] === etag) return void res.status(304).end();
      res.type('html').send(html);
    });
  }

  router.get('/static/*file', (req, res) => {
    setRoutePattern(res, '/static/*');
    const manifest = readManifest();
    if (!manifest) return notBuilt(res);
    const rel = (req.params as { file: string[] }).file.join('/');
    if (!Object.prototype.hasOwnProperty.call(manifest.files, rel)) {
      return void res.status(404).type('text/plain').send('Not found\n');
    }
    const full = path.join(distDir, rel);
    const type = CONTENT_TYPES[path.extname(rel)] ?? 'application/octet-stream';
    let body: Buffer | null = null;
    let encoding: 'br' | 'gzip' | null = null;
    for (const candidate of choosesEncoding(req)) {
      try {
        body = readFileSync(`${full}${candidate === 'br' ? '.br' : '.gz'}`);
        encoding = candidate;
        break;
      } catch {
        // no compressed twin (small file): try the next
      }
    }
    try {
      body ??= readFileSync(full);
    } catch {
      return void res.status(404).type('text/plain').send('Not found\n');
    }
    const etag = `"${manifest.builtAt}-${manifest.files[rel]}${encoding ? `-${encoding}` : ''}"`.replace(/[^\x21\x23-\x7e"]/g, '');
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  return router;
}
