import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../test/support/free-port.ts';
import { repoRoot } from './chat-flow-process.ts';
import { sleep, within } from './stats.ts';

const RELAY = path.join(repoRoot, 'bench', 'workers', 'relay-server.ts');

/** The bare Socket.IO relay (bench/workers/relay-server.ts) as its own process. */
export class RelayProcess {
  private constructor(private readonly child: ChildProcess, readonly port: number) {}

  static async start(redis?: { url: string; key: string }): Promise<RelayProcess> {
    const port = await freePort();
    const child = fork(RELAY, [], {
      execArgv: ['--import', 'tsx'],
      env: { PATH: process.env.PATH ?? '', PORT: String(port), ...(redis ? { REDIS_URL: redis.url, RELAY_KEY: redis.key } : {}) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await within(30_000, 'the relay start', new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the relay exited (${code})`)));
    }));
    return new RelayProcess(child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A bare Node http server's time from spawn to its first answered request, in ms. */
export async function bareHttpFirstResponse(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - started;
      await sleep(20);
    }
    throw new Error('the bare http server did not answer within 30 s');
  } finally {
    await stopChild(child);
  }
}
