/**
 * The top of a V8 .cpuprofile (as written by `node --cpu-prof`) by self time, so a benchmark
 * can say where the server spent its time without opening DevTools.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  selfMs: number;
  share: number;
}

/** Every profile in the directory: the server's, its cluster workers' and tsx's loader thread's. */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(dir, name));
}

/** Self time per function summed over the profiles; the share is of the time not idle. */
export function hotFunctions(files: string[], top = 20): HotFunction[] {
  const selfUs = new Map<string, number>();
  for (const file of files) addSelfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, selfUs);
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 }));
}

function addSelfTimes(profile: CpuProfile, selfUs: Map<string, number>): void {
  const labels = new Map(profile.nodes.map((node) => [node.id, label(node)]));
  profile.samples.forEach((nodeId, i) => {
    const name = labels.get(nodeId) ?? '?';
    selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  // Shorten to the part after node_modules/ or the repository root: enough to find the code.
  const file = url.replace(/^file:\/\//, '');
  const where = file.includes('node_modules/') ? file.replace(/^.*node_modules\//, '') : file.replace(/^.*\/(src|bench)\//, '$1/');
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
}
