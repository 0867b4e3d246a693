/**
 * Bounds how many tasks run at once; a few more may wait for a slot, the rest are refused at once
 * (`refusal()` is thrown), so a burst never queues without bound.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: { wake: () => void }[] = [];

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
    /** The error a refused task gets. */
    readonly refusal: () => Error,
    /** How long a waiting task may wait for a slot before it is refused; unset: as long as it takes. */
    private readonly maxWaitMs?: number,
  ) {}

  /** Whether a task started now would be refused: every slot busy and the queue full. */
  get saturated(): boolean {
    return this.active >= this.max && this.waiting.length >= this.maxWaiting;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(this.refusal());
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const entry = {
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiting.push(entry);
      if (this.maxWaitMs === undefined) return;
      timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(this.refusal());
      }, this.maxWaitMs);
    });
  }

  // A released slot passes straight to the next waiter, so `active` never drops below the queue.
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.wake();
    else this.active -= 1;
  }
}
