/**
 * How the server delivers the pages and their bundles: HTML shells under a strict CSP,
 * content-hashed files cached for a year, compressed with brotli or gzip, ETags.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { DEFAULT_OUTDIR } from '../../editor/build.js';
import { startTestServer, type TestServer } from '../integration/support/integration-kit.js';
import { ensureEditorBuilt } from './support/browser-kit.js';

describe('browser: pages and bundles over HTTP', function () {
  this.timeout(60_000);
  let t: TestServer;
  let manifest: { entries: Record<string, { js: string; css: string[] }> };

  before(async () => {
    await ensureEditorBuilt();
    manifest = JSON.parse(await readFile(path.join(DEFAULT_OUTDIR, 'manifest.json'), 'utf8'));
    t = await startTestServer({ files: {} });
  });
  after(async () => t?.close());

  it('should serve the sign-in page and the editor as shells that load hashed bundles, under a CSP without inline scripts', async () => {
    for (const [page, entry] of [['/', 'signin'], ['/editor', 'modeler']] as const) {
      const answer = await fetch(`${t.baseUrl}${page}`);
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('content-type')).to.contain('text/html');
      const html = await answer.text();
      expect(html).to.contain(`<script type="module" src="/static/${manifest.entries[entry].js}"></script>`);
      expect(html).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).to.contain('<meta name="samenspel:connectors" content="webhook">');
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("script-src 'self'");
      expect(csp).to.contain("style-src 'self'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(csp).not.to.contain('unsafe-eval');
    }
  });

  it('should answer 304 to a page whose ETag the browser has', async () => {
    const first = await fetch(`${t.baseUrl}/editor`);
    const again = await fetch(`${t.baseUrl}/editor`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).to.equal(304);
  });

  it('should serve bundles compressed, immutable and with an ETag; nothing outside the build', async () => {
    const js = `/static/${manifest.entries.modeler.js}`;
    const raw = await readFile(path.join(DEFAULT_OUTDIR, manifest.entries.modeler.js));
    const br = await fetch(`${t.baseUrl}${js}`, { headers: { 'accept-encoding': 'br, gzip' }, decompress: false } as RequestInit);
    expect(br.headers.get('content-encoding')).to.equal('br');
    expect(br.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).to.contain('text/javascript');
    expect(br.headers.get('vary')).to.contain('Accept-Encoding');
    const brBody = Buffer.from(await br.arrayBuffer());
    // fetch may or may not decode for us; either way the bytes are the bundle
    expect(brBody.equals(raw) || brotliDecompressSync(brBody).equals(raw)).to.equal(true);
    expect(Number(br.headers.get('content-length') ?? brBody.length)).to.be.below(raw.length / 3);

    const gz = await fetch(`${t.baseUrl}${js}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).to.equal('gzip');
    const gzBody = Buffer.from(await gz.arrayBuffer());
    expect(gzBody.equals(raw) || gunzipSync(gzBody).equals(raw)).to.equal(true);

    const etag = br.headers.get('etag')!;
    expect((await fetch(`${t.baseUrl}${js}`, { headers: { 'accept-encoding': 'br', 'if-none-match': etag } })).status).to.equal(304);

    for (const bad of ['/static/manifest.json', '/static/..%2Fbuild.ts', '/static/nope.js']) {
      expect((await fetch(`${t.baseUrl}${bad}`)).status, bad).to.equal(404);
    }
  });
});
