/**
 * /metrics with several workers. A scrape reaches one worker (whichever got the connection),
 * but Prometheus should see the node, not a worker picked at random per scrape: the worker
 * asks the primary, the primary asks every worker for its registry (as JSON) and merges them
 * with prom-client's AggregatorRegistry (counters and histograms summed, each metric by its
 * own aggregator), and the worker answers with that.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** One worker's registry as JSON (what AggregatorRegistry merges). */
type Part = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const REQUEST = 'samenspel:metrics-request';
const COLLECT = 'samenspel:metrics-collect';
const PART = 'samenspel:metrics-part';
const ANSWER = 'samenspel:metrics-answer';
/** A worker that does not hand in its part within this is left out of that scrape. */
const PART_TIMEOUT_MS = 2000;
const ANSWER_TIMEOUT_MS = 5000;

type Message =
  | { type: typeof REQUEST; id: number }
  | { type: typeof COLLECT; id: number }
  | { type: typeof PART; id: number; metrics: Part }
  | { type: typeof ANSWER; id: number; text: string; error?: string };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && (value as { type: string }).type.startsWith('samenspel:metrics-');

/**
 * In a worker: hands in this worker's registry when the primary collects, and returns the
 * function /metrics calls to get the merged text of all workers.
 */
export function workerMetrics(registry: Registry): () => Promise<string> {
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === COLLECT) {
      void registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: PART, id: message.id, metrics } satisfies Message));
    } else if (message.type === ANSWER) {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.text);
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the cluster primary did not answer with the metrics in time'));
      }, ANSWER_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      process.send?.({ type: REQUEST, id } satisfies Message);
    });
}

/**
 * In the primary: returns the handler for messages from workers; `workers()` lists the live
 * ones at the moment of a scrape.
 */
export function primaryMetrics(workers: () => Worker[]): (from: Worker, message: unknown) => void {
  const parts = new Map<number, (metrics: Part) => void>();
  let next = 0;

  const collect = (worker: Worker): Promise<Part | null> =>
    new Promise((resolve) => {
      const id = ++next;
      const timer = setTimeout(() => {
        parts.delete(id);
        resolve(null);
      }, PART_TIMEOUT_MS);
      parts.set(id, (metrics) => {
        clearTimeout(timer);
        parts.delete(id);
        resolve(metrics);
      });
      worker.send({ type: COLLECT, id } satisfies Message);
    });

  return (from, message) => {
    if (!isMessage(message)) return;
    if (message.type === PART) {
      parts.get(message.id)?.(message.metrics);
    } else if (message.type === REQUEST) {
      void (async () => {
        try {
          const gathered = (await Promise.all(workers().map(collect))).filter((part): part is Part => part !== null);
          const text = await AggregatorRegistry.aggregate(gathered).metrics();
          from.send({ type: ANSWER, id: message.id, text } satisfies Message);
        } catch (err) {
          from.send({ type: ANSWER, id: message.id, text: '', error: (err as Error).message } satisfies Message);
        }
      })();
    }
  };
}
