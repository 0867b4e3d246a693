import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';

const server = useTestServer();

const get = (path: string) => fetch(`${server.url}${path}`);

describe('serving the web UI', () => {
  it('serves the page with a policy that allows only its own scripts', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const policy = response.headers.get('content-security-policy') ?? '';
    const scriptSrc = policy.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    expect(scriptSrc).toMatch(/'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('importmap');
  });

  it('falls back to the page for client routes, but never for API routes', async () => {
    const page = await get('/chats/some-chat');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const api = await get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'Route not found.' } });
    expect((await get('/healthz')).headers.get('content-type')).toContain('application/json');
  });

  it('serves the vendored modules and the Socket.IO client whole', async () => {
    const preact = await get('/vendor/preact@11.2.0/dist/preact.mjs');
    expect(preact.status).toBe(200);
    expect(preact.headers.get('content-type')).toContain('javascript');
    // Every module of the page's import map is served, at the version the map names.
    const html = await (await get('/')).text();
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as { imports?: Record<string, string> };
    expect(Object.keys(map.imports ?? {})).toEqual(expect.arrayContaining(['preact', 'marked', 'gemoji']));
    for (const [name, url] of Object.entries(map.imports ?? {})) {
      const module = await get(url);
      expect(module.status, name).toBe(200);
      expect(module.headers.get('content-type'), name).toContain('javascript');
    }
    expect((await get('/vendor/marked@0.0.1/lib/marked.esm.js')).status).toBe(404);
    const client = await get('/socket.io/socket.io.esm.min.js');
    expect(client.status).toBe(200);
    expect((await client.text()).length).toBeGreaterThan(10_000);
  });

  it('serves nothing outside the allowed packages and folders', async () => {
    for (const path of ['/vendor/socket.io/package.json', '/vendor/preact/../../package.json', '/vendor/preact/%2e%2e/%2e%2e/package.json', '/../package.json', '/missing.js']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('"dependencies"');
    }
  });
});
