/**
 * Synchronous document counts on MongoDB for the integration kit, whose `count(table)` is
 * synchronous (it was written for a SQLite connection): a worker thread runs the query while
 * the test thread waits on a shared cell.
 */
import { Worker } from 'node:worker_threads';

export interface SyncCounter {
  count(collection: string): number;
  close(): Promise<void>;
}

export async function startSyncCounter(uri: string): Promise<SyncCounter> {
  const worker = new Worker(new URL('./mongo-count-worker.mjs', import.meta.url), { workerData: { uri } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    count(collection) {
      const buffer = new SharedArrayBuffer(8);
      const cell = new Int32Array(buffer);
      worker.postMessage({ collection, buffer });
      Atomics.wait(cell, 0, 0, 10_000);
      if (Atomics.load(cell, 0) !== 1) throw new Error(`counting ${collection} on MongoDB failed`);
      return cell[1];
    },
    async close() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      const force = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(force);
    },
  };
}
