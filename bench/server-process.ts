/**
 * The benchmarked server as the operating system sees it (Linux /proc): its Node processes
 * (a cluster primary and its workers), their memory and CPU time, and the CPU time of the
 * whole machine, so that a figure taken while other programs ran can be told apart.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The server and the Node processes below it; tsx's esbuild service is not part of a production server. */
export function serverPids(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`)
    .flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number))
    .filter((child) => exeOf(child) === process.execPath);
  return [pid, ...children.flatMap(serverPids)];
}

function exeOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null; // exited in between
  }
}

export function rssMiB(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, 0);
}

/** User + system CPU seconds of the processes (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
}

/** CPU seconds the whole machine spent busy (every core, all but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

export interface CpuShare {
  /** Cores used on average over the interval. */
  server: number;
  bench: number;
  other: number;
}

/** Starts counting; the function returned gives the cores each party used since. */
export function cpuMeter(serverPid: number): () => CpuShare {
  const pids = serverPids(serverPid);
  const read = () => ({ at: performance.now(), machine: machineBusySeconds(), server: cpuSeconds(pids), bench: benchSeconds() });
  const before = read();
  return () => {
    const after = read();
    const seconds = (after.at - before.at) / 1000;
    const server = (after.server - before.server) / seconds;
    const bench = (after.bench - before.bench) / seconds;
    return { server, bench, other: Math.max(0, (after.machine - before.machine) / seconds - server - bench) };
  };
}

function benchSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
