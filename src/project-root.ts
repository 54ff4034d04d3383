/**
 * The project's folder, the nearest one upwards from this module that holds Samenspel's
 * package.json. Resources (package.json, the editor build) are found from here, so the
 * server finds them alike when it runs from src/ through tsx and from the esbuild bundle
 * in dist/ that `npm start` runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'samenspel') return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
