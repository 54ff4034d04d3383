/**
 * Builds the browser pages with esbuild: one ES module entry per page (code shared
 * between pages is split into chunks), CSS beside it, fonts and images as files. Every
 * output name carries a content hash; `manifest.json` tells the server which files each
 * page needs, and every text output gets a `.gz` and a `.br` twin so the server can
 * answer compressed without compressing per request.
 *
 *   npm run build:editor            (also run by `npm start` before the server starts)
 *   buildEditor({ outdir })         (browser tests build into a folder of their own)
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import * as esbuild from 'esbuild';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export const EDITOR_DIR = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUTDIR = path.join(EDITOR_DIR, 'dist');

/**
 * The pages' entry modules, by entry name. The server's page list (src/http/pages.ts)
 * names these entries; add the inbox and admin pages here and there.
 */
export const ENTRY_POINTS: Readonly<Record<string, string>> = Object.freeze({
  signin: 'signin/main.ts',
  modeler: 'modeler/main.ts',
  inbox: 'inbox/main.ts',
  admin: 'admin/main.ts',
});

export interface PageAssets {
  /** The entry module, relative to the output folder (e.g. `modeler-3F2A.js`). */
  js: string;
  /** Style sheets the entry imports. */
  css: string[];
}

export interface EditorManifest {
  builtAt: string;
  /** Entry name -> its files. */
  entries: Record<string, PageAssets>;
  /** Every file the server may serve (relative paths), with its byte size. */
  files: Record<string, number>;
}

export interface BuildResult {
  outdir: string;
  manifest: EditorManifest;
  durationMs: number;
  /** Entry name -> bytes of its JS (with the chunks it imports) and CSS, raw and gzip. */
  sizes: Record<string, { js: number; jsGzip: number; css: number; cssGzip: number }>;
}

/**
 * CodeMirror (the FEEL fields of both properties panels) styles itself through style-mod,
 * which writes a `<style>` element into a document - blocked by our CSP (`style-src
 * 'self'`, no inline styles). style-mod already uses a constructed style sheet
 * (`adoptedStyleSheets`, which CSP does not govern) for shadow roots; this patch lets it do
 * the same for the document. The build fails if style-mod changes, so an upgrade cannot
 * silently bring the inline styles back.
 */
const STYLE_MOD_CONDITION = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {';
export const styleModWithoutInlineStyles: esbuild.Plugin = {
  name: 'style-mod-adopted-style-sheets',
  setup(build) {
    build.onLoad({ filter: /[\\/]style-mod[\\/]src[\\/]style-mod\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(STYLE_MOD_CONDITION)) {
        throw new Error(`style-mod changed (${args.path}): review the patch in editor/build.ts that keeps CodeMirror's styles out of <style> elements`);
      }
      return { contents: source.replace(STYLE_MOD_CONDITION, 'if (root.adoptedStyleSheets && win.CSSStyleSheet) {'), loader: 'js' };
    });
  },
};

const COMPRESSIBLE = /\.(js|css|svg|json|ttf|eot)$/;

/** Builds every page into `outdir` (emptied first) and writes its manifest. */
export async function buildEditor(options: { outdir?: string; minify?: boolean } = {}): Promise<BuildResult> {
  const started = performance.now();
  const outdir = path.resolve(options.outdir ?? DEFAULT_OUTDIR);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: EDITOR_DIR,
    entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, path.join(EDITOR_DIR, file)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    platform: 'browser',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    metafile: true,
    outdir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    tsconfig: path.join(EDITOR_DIR, 'tsconfig.json'),
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
    // form-js-editor asks for an older preact than the viewer and the properties panel it
    // renders; two copies in one component tree break hooks, so every import gets one.
    alias: {
      preact: path.join(EDITOR_DIR, '..', 'node_modules', 'preact'),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [styleModWithoutInlineStyles],
    legalComments: 'linked',
    logLevel: 'warning',
  });

  const entries: Record<string, PageAssets> = {};
  const relative = (file: string) => path.relative(outdir, path.resolve(EDITOR_DIR, file)).split(path.sep).join('/');
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = Object.entries(ENTRY_POINTS).find(([, file]) => path.resolve(EDITOR_DIR, file) === path.resolve(EDITOR_DIR, meta.entryPoint!))?.[0];
    if (!name) continue;
    entries[name] = { js: relative(output), css: meta.cssBundle ? [relative(meta.cssBundle)] : [] };
  }

  const files: Record<string, number> = {};
  for (const file of await listFiles(outdir)) {
    const full = path.join(outdir, file);
    const content = await readFile(full);
    files[file] = content.length;
    if (COMPRESSIBLE.test(file) && content.length > 512) {
      await writeFile(`${full}.gz`, await gzipAsync(content, { level: 9 }));
      await writeFile(
        `${full}.br`,
        await brotliAsync(content, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 7, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
      );
    }
  }

  const manifest: EditorManifest = { builtAt: new Date().toISOString(), entries, files };
  await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const sizes: BuildResult['sizes'] = {};
  for (const [name, assets] of Object.entries(entries)) {
    const js = await closure(outdir, result.metafile, assets.js);
    const jsBytes = await Promise.all(js.map((file) => readFile(path.join(outdir, file))));
    const cssBytes = await Promise.all(assets.css.map((file) => readFile(path.join(outdir, file))));
    const gz = async (parts: Buffer[]) => (await gzipAsync(Buffer.concat(parts), { level: 9 })).length;
    sizes[name] = {
      js: jsBytes.reduce((sum, part) => sum + part.length, 0),
      jsGzip: await gz(jsBytes),
      css: cssBytes.reduce((sum, part) => sum + part.length, 0),
      cssGzip: await gz(cssBytes),
    };
  }
  return { outdir, manifest, durationMs: Math.round(performance.now() - started), sizes };
}

/** The entry's own file and every chunk it imports, relative to outdir. */
async function closure(outdir: string, metafile: esbuild.Metafile, entry: string): Promise<string[]> {
  const byRelative = new Map(
    Object.entries(metafile.outputs).map(([file, meta]) => [path.relative(outdir, path.resolve(EDITOR_DIR, file)).split(path.sep).join('/'), meta]),
  );
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of byRelative.get(file)?.imports ?? []) {
      if (imported.kind === 'import-statement') visit(path.relative(outdir, path.resolve(EDITOR_DIR, imported.path)).split(path.sep).join('/'));
    }
  };
  visit(entry);
  return [...seen];
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** A short content hash of a file, for tests and tools. */
export async function fileHash(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 12);
}

/** True when `outdir` holds a manifest (a finished build). */
export async function isBuilt(outdir = DEFAULT_OUTDIR): Promise<boolean> {
  try {
    return (await stat(path.join(outdir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildEditor()
    .then(({ outdir, durationMs, sizes }) => {
      const lines = Object.entries(sizes).map(
        ([name, size]) => `  ${name}: js ${kib(size.js)} (gzip ${kib(size.jsGzip)}), css ${kib(size.css)} (gzip ${kib(size.cssGzip)})`,
      );
      console.log(`editor built in ${durationMs} ms -> ${path.relative(process.cwd(), outdir) || '.'}\n${lines.join('\n')}`);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
