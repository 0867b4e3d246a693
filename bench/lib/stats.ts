/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}


export interface Spread {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export function spread(values: number[]): Spread {
  const sorted = Array.from(Float64Array.from(values).sort());
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the task, or rejects after `ms`: every wait in the bench is bounded. */
export async function within<T>(ms: number, what: string, task: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([task, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `everyMs` until it is true; false when `ms` ran out. */
export async function until(check: () => Promise<boolean> | boolean, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return false;
}
