/** What one item of a batch came to: a value for its caller, or an error to reject it with. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface BatchingOptions<T> {
  /**
   * Batches processed at once (default 1). Above 1, `keyOf` must be given: a key (a chat) is in at
   * most one batch in flight, and its items keep their order; only batches of other keys overlap.
   */
  maxInFlight?: number;
  keyOf?: (item: T) => string;
}

/**
 * Workers over a queue: whatever is pushed while batches are in flight forms the next batch.
 * Batches grow with load and stay at one item when idle (an item pushed to an idle queue goes at
 * once), so there is no linger to tune. `process` answers item by item; if it throws, every item
 * of that batch is rejected with the error.
 */
export class BatchingQueue<T, R> {
  /** Waiting items by key, each in push order; keys in the order they started waiting. */
  private waiting = new Map<string, Waiting<T, R>[]>();
  private waitingCount = 0;
  private running = new Set<Promise<void>>();
  private scheduled = false;
  private inFlight = 0;
  /** Keys of the batches in flight. */
  private busy = new Set<string>();
  private readonly maxInFlight: number;
  private readonly keyOf: (item: T) => string;

  constructor(
    private readonly maxBatch: number,
    private readonly process: (items: T[]) => Promise<Settled<R>[]>,
    options: BatchingOptions<T> = {},
  ) {
    // Without keys every item shares one: one batch at a time, in push order.
    this.keyOf = options.keyOf ?? (() => '');
    this.maxInFlight = options.keyOf ? Math.max(1, options.maxInFlight ?? 1) : 1;
  }

  push(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      const key = this.keyOf(item);
      const queue = this.waiting.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.waiting.set(key, [{ item, resolve, reject }]);
      this.waitingCount += 1;
      if (this.scheduled) return;
      this.scheduled = true;
      // Let the current tick's pushes join the batch.
      setImmediate(() => {
        this.scheduled = false;
        this.startBatches();
      });
    });
  }

  /** Items pushed and not yet settled (waiting or in a batch in flight). */
  get pending(): number {
    return this.waitingCount + this.inFlight;
  }

  /** Resolves once everything pushed so far has been processed. */
  async drained(): Promise<void> {
    while (this.running.size > 0 || this.scheduled) {
      if (this.running.size > 0) await Promise.all(this.running);
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private startBatches(): void {
    while (this.running.size < this.maxInFlight) {
      const batch = this.take();
      if (batch.items.length === 0) return;
      const run = this.run(batch.keys, batch.items).finally(() => {
        this.running.delete(run);
        this.startBatches();
      });
      this.running.add(run);
    }
  }

  /** The next batch: the oldest waiting items of keys with no batch in flight, each key's in order. */
  private take(): { keys: string[]; items: Waiting<T, R>[] } {
    const keys: string[] = [];
    const items: Waiting<T, R>[] = [];
    for (const [key, queue] of this.waiting) {
      if (items.length >= this.maxBatch) break;
      if (this.busy.has(key)) continue;
      items.push(...queue.splice(0, this.maxBatch - items.length));
      keys.push(key);
      if (queue.length === 0) this.waiting.delete(key);
    }
    this.waitingCount -= items.length;
    return { keys, items };
  }

  private async run(keys: string[], batch: Waiting<T, R>[]): Promise<void> {
    for (const key of keys) this.busy.add(key);
    this.inFlight += batch.length;
    try {
      const results = await this.process(batch.map((w) => w.item));
      batch.forEach((waiting, i) => {
        const result = results[i]!;
        if (result.ok) waiting.resolve(result.value);
        else waiting.reject(result.error);
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.inFlight -= batch.length;
      for (const key of keys) this.busy.delete(key);
    }
  }
}
