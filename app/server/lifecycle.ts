/**
 * Whether this process is draining for shutdown, and the work still in flight (HTTP requests and
 * socket handlers), so that shutdown can wait for it before the log and the pools close.
 */
export class Lifecycle {
  private active = 0;
  private waiters: (() => void)[] = [];
  draining = false;

  /** Runs work as in-flight work; resolves or rejects as it does. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  get inFlight(): number {
    return this.active;
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
