import { vi, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { useTestServer } from '../support/server-fixture.ts';

// Traversal attempts are not errors of ours: a quiet 404, no error-level log. Every response,
// errors and 404s included, carries the base security headers.

const ALLOWED = 'https://app.example.test';
const server = useTestServer({ env: { CHATFLOW_ALLOWED_ORIGINS: ALLOWED } });

/** A raw GET: fetch would normalise `..` and encoded dots away before sending. */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const expectBaseHeaders = (headers: Record<string, string | string[] | undefined>, what: string) => {
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
};

describe('path traversal', () => {
  const attempts = [
    '/..%2f..%2fetc/passwd',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2e%2e/',
    '/%2E%2E%2F%2E%2E%2Fpackage.json',
    '/../../etc/passwd',
    '/src/..%2f..%2f..%2fpackage.json',
    '/vendor/preact/..%2f..%2f..%2fpackage.json',
    '/index.html%00.js',
    '/%00',
    '/src%5c..%5c..%5cpackage.json',
    '/%',
    '/%E0%A4%A',
    '/..%c0%af..%c0%afetc/passwd',
  ];

  it.each(attempts)('answers %s with a quiet 404', async (path) => {
    const errors = vi.spyOn(server.running.services.logger, 'error');
    try {
      const response = await rawGet(path);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('root:');
      expect(response.body).not.toContain('"name": "chat-flow"');
      expectBaseHeaders(response.headers, path);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('still serves the real files', async () => {
    const page = await rawGet('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    expect((await rawGet('/src/main.js')).status).toBe(200);
  });
});

describe('security headers on every response', () => {
  it.each([
    ['the page', 'GET', '/', undefined, 200],
    ['a static module', 'GET', '/src/main.js', undefined, 200],
    ['a missing static file', 'GET', '/missing.js', undefined, 404],
    ['an unknown API route', 'GET', '/api/nothing-here', undefined, 404],
    ['a 401', 'GET', '/api/me', undefined, 401],
    ['a 400 (broken JSON)', 'POST', '/api/auth/login', '{broken', 400],
    ['a 403 (foreign origin)', 'POST', '/api/auth/logout', '', 403],
    ['a 415 (form body)', 'POST', '/api/auth/login', 'email=a', 415],
    ['the health check', 'GET', '/healthz', undefined, 200],
    ['a Socket.IO polling handshake', 'GET', '/socket.io/?EIO=4&transport=polling', undefined, 200],
  ] as const)('%s', async (what, method, path, body, status) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
    if (what.includes('foreign')) headers.origin = 'http://evil.example';
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    expect(response.status).toBe(status);
    expectBaseHeaders(Object.fromEntries(response.headers), what);
  });

  it('gives pages a CSP whose connect-src is the own origin and the allowed ones, not any WebSocket host', async () => {
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    expect(connect).toBe(`connect-src 'self' ${ALLOWED} ${ALLOWED.replace('https', 'wss')}`);
    expect(csp).not.toMatch(/(^|\s)wss?:(\s|;|$)/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});
