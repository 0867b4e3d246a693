/** What one item of a batch came to: a value for its caller, or an error to reject it with. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * One worker over a queue: whatever is pushed while a batch is in flight forms the next batch.
 * Batches grow with load and stay at one item when idle, so there is no linger to tune.
 * `process` answers item by item; if it throws, every item of that batch is rejected with the error.
 */
export class BatchingQueue<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private draining: Promise<void> | null = null;
  private inFlight = 0;

  constructor(
    private readonly maxBatch: number,
    private readonly process: (items: T[]) => Promise<Settled<R>[]>,
  ) {}

  push(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = null;
      });
    });
  }

  /** Items pushed and not yet settled (waiting or in the batch in flight). */
  get pending(): number {
    return this.waiting.length + this.inFlight;
  }

  /** Resolves once everything pushed so far has been processed. */
  async drained(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the current tick's pushes join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight = batch.length;
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
        this.inFlight = 0;
      }
    }
  }
}
