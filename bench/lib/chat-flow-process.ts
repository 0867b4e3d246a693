import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/free-port.ts';
import { sleep } from './stats.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GC_PRELOAD = path.join(repoRoot, 'bench', 'preload', 'gc-on-signal.mjs');

/** What the web UI declares at its socket handshake (app/web/src/socket.js): load generators do the same. */
export const UI_FEATURES = ['derived-notifications', 'derived-receipts'];

/**
 * The command `npm start` runs, read from package.json: steps joined by `&&` before the last (the
 * compile-if-stale step) are `prepare`, run once per bench process; the last is split into program,
 * arguments and leading VAR=value assignments and spawned without a shell, so the child's pid is
 * the server's and the start-up figures time the server, not the compiler.
 */
export function startCommand(): { prepare: string[]; command: string; args: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const steps = pkg.scripts.start.split('&&').map((step) => step.trim());
  const words = steps.pop()!.split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words.some((w) => /[;&|<>$`'"]/.test(w))) throw new Error(`the start script needs a shell, which the bench does not use: ${pkg.scripts.start}`);
  const [program, ...args] = words;
  if (!program) throw new Error('package.json has no start script');
  return { prepare: steps, command: program === 'node' ? process.execPath : program, args, env };
}

function cpuProfileOptions(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

let prepared = false;
/** Runs the start script's preparing steps (compiling the server when stale) once. */
function prepareOnce(steps: string[]) {
  if (prepared) return;
  for (const step of steps) execSync(step, { cwd: repoRoot, stdio: 'inherit' });
  prepared = true;
}

export interface ChatFlowOptions {
  databaseUrl?: string;
  redisUrl?: string;
  kafkaBrokers?: string;
  kafkaTopic?: string;
  /** Reuse a data folder (a restart); otherwise a fresh temporary one, removed on stop. */
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
}

export const ADMIN = { email: 'bench-admin@example.test', password: 'bench-admin-password' };

/** Chat-Flow as an operator runs it, with the limits meant for people lifted for load. */
export class ChatFlowProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private ownsDataDir = false;
  readyMs = 0;

  private constructor(readonly name: string, readonly port: number, readonly dataDir: string, private readonly options: ChatFlowOptions) {}

  static async start(name: string, options: ChatFlowOptions = {}, timeoutMs = 120_000): Promise<ChatFlowProcess> {
    const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'chatflow-bench-data-')));
    const server = new ChatFlowProcess(name, options.port ?? (await freePort()), dataDir, options);
    server.ownsDataDir = !options.dataDir;
    await server.launch(timeoutMs);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  tail(lines = 20): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Spawns the start command and waits for /readyz 200; `readyMs` is the time that took. */
  async launch(timeoutMs = 120_000): Promise<void> {
    const { prepare, command, args, env } = startCommand();
    prepareOnce(prepare);
    const o = this.options;
    const started = performance.now();
    // BENCH_CPU_PROFILE_DIR (--profile): each server writes a V8 CPU profile there when it stops.
    // Node refuses --cpu-prof in NODE_OPTIONS, so it goes on the command line of a node start script.
    const profile = command === process.execPath ? cpuProfileOptions() : [];
    const child = spawn(command, [...profile, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env,
        // Lets the memory scenario ask the server for a full GC (SIGUSR2) without exposing anything.
        NODE_OPTIONS: [env.NODE_OPTIONS, `--import=${GC_PRELOAD}`].filter(Boolean).join(' '),
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        CHATFLOW_DATA_DIR: this.dataDir,
        CHATFLOW_ADMIN_EMAIL: ADMIN.email,
        CHATFLOW_ADMIN_PASSWORD: ADMIN.password,
        CHATFLOW_MESSAGE_RATE: '1000000',
        CHATFLOW_MESSAGE_BURST: '1000000',
        CHATFLOW_SOCKET_EVENT_RATE: '1000000',
        CHATFLOW_SOCKET_CONCURRENCY: '1000',
        CHATFLOW_LOGIN_ATTEMPTS: '1000000',
        CHATFLOW_CHAT_CREATE_RATE: '1000000',
        ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
        ...(o.redisUrl ? { REDIS_URL: o.redisUrl } : {}),
        ...(o.kafkaBrokers ? { KAFKA_BROKERS: o.kafkaBrokers } : {}),
        ...(o.kafkaTopic ? { CHATFLOW_KAFKA_TOPIC: o.kafkaTopic, CHATFLOW_KAFKA_GROUP: `${o.kafkaTopic}-writer` } : {}),
        ...o.env,
      },
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-50_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`Chat-Flow (${this.name}) exited while starting:\n${this.tail()}`);
      const ready = await fetch(`${this.url}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) {
        this.readyMs = performance.now() - started;
        return;
      }
      await sleep(20);
    }
    await this.stop('SIGKILL');
    throw new Error(`Chat-Flow (${this.name}) was not ready within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The ordered stop (SIGTERM), bounded: past 30 s it is killed. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Resident set size of a process in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Asks a process started with the GC preload for a full collection, then lets RSS settle. */
export async function collectGarbage(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  await sleep(1500);
}

/** /metrics as an administrator reads it (it is not served to the public). */
export async function metricsText(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  if (login.status !== 200) throw new Error(`admin sign-in for /metrics: ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`/metrics: ${response.status}`);
  return response.text();
}

/** The value of one unlabelled metric sample (`name value`) in Prometheus text, or 0. */
export function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}
