import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';

// Acceptance "a": `npm start` with no configuration at all serves on port 3000 from an embedded
// database in CHATFLOW_DATA_DIR, prints a one-time admin password once, and keeps its data across
// a clean stop and restart.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const BASE_URL = 'http://127.0.0.1:3000';
const PASSWORD_LINE = /sign in as (\S+) with the one-time password (\S+)/;

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface Started {
  child: Child;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** process.env without anything Chat-Flow reads, so the server runs on its built-in defaults. */
function environmentWithoutChatFlow(dataDir: string): NodeJS.ProcessEnv {
  const chatFlowVariable = /^(PORT|HOST|LOG_LEVEL|DATABASE_URL|REDIS_URL|KAFKA_.*|S3_.*|CLERK_.*|CHATFLOW_.*)$/;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !chatFlowVariable.test(name)));
  return { ...env, CHATFLOW_DATA_DIR: dataDir };
}

/** Fails with a clear message when something else holds port 3000 (the default under test). */
async function assertPort3000Free(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`port 3000 is busy (${error.code}); this test checks that Chat-Flow serves on its default port 3000: stop whatever listens there`)),
    );
    probe.listen(3000, '0.0.0.0', () => probe.close(() => resolve()));
  });
}

/** What `npm start` runs first: compiles dist/ when a source is newer, so the test never runs old code. */
async function compileIfStale(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/build-server.mjs', '--if-stale'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`compiling the server failed:\n${stderr}`);
}

/** The compiled entry, as `npm start` runs it after compileIfStale. */
function startEntry(dataDir: string): Started {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/app/server/main.js'], {
    cwd: repoRoot,
    env: environmentWithoutChatFlow(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Polls /healthz until it answers 200; fails early when the process exits. */
async function waitForHealthy(started: Started, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void started.exited.then((value) => (exit = value));
  while (Date.now() < deadline) {
    if (exit) throw new Error(`Chat-Flow exited (${exit.code ?? exit.signal}) before serving:\n${JSON.stringify(started.output(), null, 2)}`);
    const healthy = await fetch(`${BASE_URL}/healthz`)
      .then((response) => response.status === 200)
      .catch(() => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Chat-Flow did not answer /healthz within ${timeoutMs} ms:\n${JSON.stringify(started.output(), null, 2)}`);
}

/** SIGTERM, then the exit status (SIGKILL after the timeout, which fails the caller). */
async function stop(started: Started, timeoutMs = 30_000) {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return started.exited;
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), timeoutMs);
  const result = await started.exited;
  clearTimeout(timer);
  return result;
}

async function login(email: string, password: string) {
  const response = await new Api(BASE_URL).post('/api/auth/login', { email, password });
  expect(response.status, `login of ${email}: ${JSON.stringify(response.body)}`).toBe(200);
  return new Api(BASE_URL, response.body.token as string);
}

describe('first start with no configuration', () => {
  let dataDir: string;
  let running: Started | undefined;

  beforeAll(async () => {
    await assertPort3000Free();
    await compileIfStale();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-startup-'));
  });

  afterEach(async () => {
    if (running) await stop(running);
    running = undefined;
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves on port 3000, prints a one-time admin password once and keeps everything across a restart', async () => {
    // First start: initdb, migrations, a generated admin password.
    running = startEntry(dataDir);
    await waitForHealthy(running);
    const first = running.output().stdout;
    const printed = first.match(PASSWORD_LINE);
    expect(printed, `no one-time password line in stdout:\n${first}`).not.toBeNull();
    const [, adminEmail, adminPassword] = printed!;
    expect(adminEmail).toBe('admin@chatflow.local');
    expect(adminPassword!.length).toBeGreaterThanOrEqual(12);
    expect(first.match(new RegExp(PASSWORD_LINE.source, 'g'))).toHaveLength(1);
    expect((await new Api(BASE_URL).get('/readyz')).status).toBe(200);

    const admin = await login(adminEmail!, adminPassword!);
    const me = await admin.get('/api/me');
    expect(me.body.user).toMatchObject({ email: 'admin@chatflow.local', role: 'admin', status: 'active' });
    expect((await new Api(BASE_URL).post('/api/auth/login', { email: adminEmail, password: 'not-the-password' })).status).toBe(401);
    // The printed password is one-time: nothing but choosing one's own works with it.
    expect(me.body.user.mustChangePassword).toBe(true);
    expect((await admin.get('/api/admin/users')).body.error.code).toBe('password_change_required');
    const ownPassword = 'first-admin-own-password';
    expect((await admin.post('/api/me/password', { currentPassword: adminPassword, password: ownPassword })).status).toBe(204);

    const created = await admin.post('/api/admin/users', { email: 'lin@example.test', name: 'Lin', password: 'lin-password-1' });
    expect(created.status).toBe(201);
    const linId = created.body.user.id as string;
    const group = await admin.post('/api/chats/groups', { name: 'Launch', memberIds: [linId] });
    expect(group.status).toBe(201);
    const chatId = group.body.chat.id as string;
    const clientId = randomUUID();
    const sent = await admin.post(`/api/chats/${chatId}/messages`, { clientId, body: 'Hello from the first start' });
    expect(sent.status).toBe(201);

    const firstExit = await stop(running);
    expect(firstExit, `stderr:\n${running.output().stderr}`).toEqual({ code: 0, signal: null });
    running = undefined;

    // Second start on the same directory: no new password, the same data.
    running = startEntry(dataDir);
    await waitForHealthy(running);
    expect(running.output().stdout).not.toMatch(/one-time password/);
    expect((await new Api(BASE_URL).get('/readyz')).status).toBe(200);

    const adminAgain = await login(adminEmail!, ownPassword);
    const lin = await login('lin@example.test', 'lin-password-1');
    const users = await adminAgain.get('/api/admin/users?limit=200');
    expect(users.status).toBe(200);
    expect((users.body.users as { email: string }[]).map((u) => u.email).sort()).toEqual(['admin@chatflow.local', 'lin@example.test']);

    for (const api of [adminAgain, lin]) {
      const chats = await api.get('/api/chats');
      expect(chats.status).toBe(200);
      const chat = (chats.body.chats as { id: string; name: string; kind: string }[]).find((c) => c.id === chatId);
      expect(chat).toMatchObject({ name: 'Launch', kind: 'group' });
      const history = await api.get(`/api/chats/${chatId}/messages`);
      expect(history.status).toBe(200);
      const texts = (history.body.messages as { clientId: string; body: string; kind: string; sender: { id: string } }[]).filter((m) => m.kind === 'text');
      expect(texts).toEqual([expect.objectContaining({ clientId, body: 'Hello from the first start', sender: expect.objectContaining({ id: me.body.user.id }) })]);
    }

    const secondExit = await stop(running);
    expect(secondExit, `stderr:\n${running.output().stderr}`).toEqual({ code: 0, signal: null });
    running = undefined;
  }, 240_000);
});
