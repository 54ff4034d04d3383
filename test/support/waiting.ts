/**
 * Waiting and fan-out for tests that drive real server processes (several nodes, workers):
 * bounded in time, and when they give up they say where things stood.
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over items with at most `width` at a time; results in the order of the items. */
export async function inParallel<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

/** Waits until `check` holds, looking every `every` ms; fails after `ms`. */
export async function eventually(what: string, check: () => Promise<boolean>, ms: number, every = 100): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not in time: ${what}`);
    await sleep(every);
  }
}

/**
 * Waits while `progress()` keeps rising towards `target`; gives up only when it stood still
 * for `stallMs` (a slow machine is slow, not wrong) and then says where it stood and why.
 */
export async function whileProgressing(
  what: string,
  progress: () => Promise<number>,
  target: number,
  stallMs: number,
  explain: () => Promise<string>,
): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const now = await progress();
    if (now >= target) return;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`not in time: ${what}: ${now} of ${target}, no progress for ${stallMs} ms\n${await explain()}`);
    }
    await sleep(200);
  }
}
