import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';
import { freePort } from '../support/free-port.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { uploadFile } from '../support/uploads.ts';

// Acceptance "i": a start on a busy port leaves nothing behind; the UI's files are compressed and
// revalidated; /metrics is for admins, or for a separate listener only.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** process.env without anything Chat-Flow reads (as test/server/startup.test.ts spawns it). */
function environmentWithoutChatFlow(): NodeJS.ProcessEnv {
  const chatFlowVariable = /^(PORT|HOST|LOG_LEVEL|DATABASE_URL|REDIS_URL|KAFKA_.*|S3_.*|CLERK_.*|CHATFLOW_.*)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !chatFlowVariable.test(name)));
}

function runEntry(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A server that started anyway is stopped after a generous deadline, which fails the test below.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

function listenOn(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const holder = net.createServer();
    holder.once('error', reject);
    holder.listen(port, host, () => resolve(holder));
  });
}

describe('a start on a busy port', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['PORT', '0.0.0.0'],
    ['PORT', '127.0.0.1'],
  ])('exits non-zero with one line naming %s (taken on %s) and creates nothing', async (_variable, takenOn) => {
    const port = await freePort();
    const holder = await listenOn(port, takenOn);
    const parent = await mkdtemp(path.join(os.tmpdir(), 'chatflow-busy-'));
    made.push(parent);
    const dataDir = path.join(parent, 'data');
    try {
      const result = await runEntry({ ...environmentWithoutChatFlow(), PORT: String(port), CHATFLOW_DATA_DIR: dataDir });
      expect(result.code, JSON.stringify(result)).not.toBe(0);
      expect(result.code).not.toBeNull();
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([`Port ${port} is already in use: set PORT to a free port.`]);
      expect(existsSync(dataDir), 'no data directory is created').toBe(false);
    } finally {
      holder.close();
    }
  });

  it('names CHATFLOW_METRICS_ADDRESS when the metrics port is the busy one', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const holder = await listenOn(metricsPort, '127.0.0.1');
    const parent = await mkdtemp(path.join(os.tmpdir(), 'chatflow-busy-'));
    made.push(parent);
    const dataDir = path.join(parent, 'data');
    try {
      const result = await runEntry({ ...environmentWithoutChatFlow(), PORT: String(port), CHATFLOW_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`, CHATFLOW_DATA_DIR: dataDir });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([`Port ${metricsPort} is already in use: set CHATFLOW_METRICS_ADDRESS to a free port.`]);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      holder.close();
    }
  });
});

/**
 * A plain GET over node:http: fetch adds `Cache-Control: no-cache` to a request with a validator
 * (as the Fetch standard says), which rightly makes any server answer in full.
 */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

describe('static files', () => {
  const server = useTestServer();
  const get = (urlPath: string, headers: Record<string, string> = {}) => fetch(`${server.url}${urlPath}`, { headers });

  it('answers an unknown file 404 uncompressed and leaves the API alone', async () => {
    const missing = await get('/src/no-such-file.js', { 'accept-encoding': 'gzip' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-encoding')).toBeNull();
    const api = await get('/api/me', { 'accept-encoding': 'gzip, br' });
    expect(api.status).toBe(401);
    expect(api.headers.get('etag')).toBeNull();
  });

  it('does not compress media downloads or Range answers', async () => {
    const text = Buffer.from('plain words that compress very well. '.repeat(400));
    const uploaded = await uploadFile(server.url, server.admin.token, { name: 'notes.txt', data: text, type: 'text/plain' });
    expect(uploaded.status).toBe(201);
    const auth = { authorization: `Bearer ${server.admin.token}`, 'accept-encoding': 'gzip, br' };
    const whole = await get(uploaded.body.attachment.url, auth);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await whole.arrayBuffer()).equals(text)).toBe(true);
    const part = await get(uploaded.body.attachment.url, { ...auth, range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-encoding')).toBeNull();
    expect((await part.arrayBuffer()).byteLength).toBe(100);
  });

  it.each(['br', 'gzip'])('compresses the UI with %s when asked, and not when not asked', async (encoding) => {
    const plain = await get('/src/socket.js', { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const plainText = await plain.text();
    const compressed = await get('/src/socket.js', { 'accept-encoding': encoding });
    expect(compressed.status).toBe(200);
    expect(compressed.headers.get('content-encoding')).toBe(encoding);
    expect(compressed.headers.get('vary')).toMatch(/accept-encoding/i);
    // fetch decodes the body: the same file arrives.
    expect(await compressed.text()).toBe(plainText);
  });

  it('revalidates app files (no-cache, 304 on If-None-Match and If-Modified-Since)', async () => {
    for (const urlPath of ['/', '/src/main.js', '/admin', '/admin/src/main.js']) {
      const first = await get(urlPath, { 'accept-encoding': 'gzip' });
      expect(first.status, urlPath).toBe(200);
      expect(first.headers.get('cache-control'), urlPath).toBe('no-cache');
      const etag = first.headers.get('etag');
      const lastModified = first.headers.get('last-modified');
      expect(etag, urlPath).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      expect(lastModified, urlPath).toBeTruthy();
      await first.arrayBuffer();

      const byTag = await rawGet(`${server.url}${urlPath}`, { 'if-none-match': etag!, 'accept-encoding': 'gzip' });
      expect(byTag.status, urlPath).toBe(304);
      expect(byTag.body.length).toBe(0);
      expect(byTag.headers.etag).toBe(etag);
      const byDate = await rawGet(`${server.url}${urlPath}`, { 'if-modified-since': lastModified! });
      expect(byDate.status, urlPath).toBe(304);
      const stale = await rawGet(`${server.url}${urlPath}`, { 'if-none-match': 'W/"0-0"' });
      expect(stale.status, urlPath).toBe(200);
      expect(stale.body.length).toBeGreaterThan(0);
      // A browser's forced reload (no-cache) gets the whole file.
      const reload = await rawGet(`${server.url}${urlPath}`, { 'if-none-match': etag!, 'cache-control': 'no-cache' });
      expect(reload.status, urlPath).toBe(200);
    }
  });

  it('caches vendored files for good (their URL names the version) and revalidates them too', async () => {
    const html = await (await get('/')).text();
    const preactUrl = /"preact": "([^"]+)"/.exec(html)![1]!;
    const first = await get(preactUrl, { 'accept-encoding': 'br' });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(first.headers.get('content-encoding')).toBe('br');
    await first.arrayBuffer();
    const again = await rawGet(`${server.url}${preactUrl}`, { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('serves no Clerk SDK, names no Clerk host and offers no Clerk sign-in without CLERK_PUBLISHABLE_KEY', async () => {
    const page = await get('/');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/clerk/i);
    expect(csp).not.toContain('frame-src');
    const sdk = await get('/vendor/@clerk/clerk-js@6.40.0/dist/clerk.browser.js');
    expect(sdk.status).toBe(404);
    expect((await server.api().get('/api/auth/options')).body).toEqual({ clerk: null, builtInAccounts: true });
  });
});

describe('/metrics on the public port', () => {
  const server = useTestServer();

  it('refuses anyone who is not an admin', async () => {
    expect((await server.api().get('/metrics')).status).toBe(401);
    expect((await server.api('not-a-token').get('/metrics')).status).toBe(401);
    const user = await server.createUser();
    const asUser = await server.api(user.token).get('/metrics');
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe('forbidden');
    expect(JSON.stringify(asUser.body)).not.toContain('chatflow_');
  });

  it('serves an admin, by bearer token or session cookie', async () => {
    const byToken = await server.api(server.admin.token).get('/metrics');
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(byToken.body).toContain('chatflow_messages_written_total');
    const byCookie = await server.api().request('GET', '/metrics', undefined, { cookie: `chatflow_session=${server.admin.token}` });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toContain('chatflow_sockets_connected');
  });
});

describe('/metrics with CHATFLOW_METRICS_ADDRESS', () => {
  let metricsPort = 0;
  const server = useTestServer(async () => {
    metricsPort = await freePort();
    return { env: { CHATFLOW_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` } };
  });

  it('answers 404 on the public port, even to an admin', async () => {
    expect((await server.api().get('/metrics')).status).toBe(404);
    expect((await server.api(server.admin.token).get('/metrics')).status).toBe(404);
  });

  it('serves the metrics on the separate listener without authentication, and nothing else there', async () => {
    const metrics = await new Api(`http://127.0.0.1:${metricsPort}`).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('chatflow_log_lag_records');
    expect((await new Api(`http://127.0.0.1:${metricsPort}`).get('/api/me')).status).toBe(404);
    expect((await new Api(`http://127.0.0.1:${metricsPort}`).get('/')).status).toBe(404);
  });
});
