import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './chat-flow-process.ts';
import { within } from './stats.ts';
import type { FromWorker, SocketSpec, ToWorker } from '../workers/protocol.ts';

const WORKER = path.join(repoRoot, 'bench', 'workers', 'socket-worker.ts');

type Reply<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

/** Forked processes that open sockets and generate load; the bench itself only coordinates. */
export class WorkerPool {
  private constructor(private readonly children: ChildProcess[]) {}

  static start(count: number): WorkerPool {
    const children = Array.from({ length: count }, () =>
      fork(WORKER, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    return new WorkerPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  private ask<T extends FromWorker['type']>(child: ChildProcess, message: ToWorker, reply: T, timeoutMs: number): Promise<Reply<T>> {
    const answer = new Promise<Reply<T>>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'error') {
          cleanup();
          reject(new Error(`load generator: ${m.message}`));
        } else if (m.type === reply) {
          cleanup();
          resolve(m as Reply<T>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`load generator exited (${code})`));
      };
      const cleanup = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    child.send(message);
    return within(timeoutMs, `load generator ${message.type}`, answer);
  }

  /** Deals the sockets out (spec i to worker i mod n) and opens them all. */
  async connect(specs: SocketSpec[], timeoutMs = 180_000): Promise<number> {
    const started = performance.now();
    await Promise.all(this.children.map((child, w) => this.ask(child, { type: 'connect', specs: specs.filter((_, i) => i % this.size === w) }, 'connected', timeoutMs)));
    return performance.now() - started;
  }

  /** Every worker offers rate / n msg/s for durationMs; the replies, one per worker. */
  step(step: number, rate: number, durationMs: number, drainMs: number): Promise<Reply<'stepped'>[]> {
    const each = rate / this.size;
    return Promise.all(this.children.map((child) => this.ask(child, { type: 'step', step, rate: each, durationMs, drainMs }, 'stepped', durationMs + drainMs + 30_000)));
  }

  /** Closed-loop senders: `senders` in all, dealt over the workers as their sockets were. */
  closed(senders: number, perSocket: number, window: number, pauseMs: number, timeoutMs = 180_000): Promise<Reply<'closedDone'>[]> {
    return Promise.all(
      this.children.map((child, w) => {
        const mine = Math.floor(senders / this.size) + (w < senders % this.size ? 1 : 0);
        return this.ask(child, { type: 'closed', senders: mine, perSocket, window, pauseMs }, 'closedDone', timeoutMs);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.send({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}
