import { describe, expect, it } from 'vitest';
import { cookieHeaders } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket } from '../support/socket-client.ts';

// Cross-site WebSocket hijacking: the session cookie rides along with a socket opened by any page,
// so a cookie handshake counts only from a trusted origin; bearer handshakes (bots) need none.

/** 'connected', or the connect_error message the handshake was refused with. */
async function handshake(url: string, options: { token?: string; headers?: Record<string, string> }): Promise<string> {
  try {
    const socket = await connectSocket(url, options.token, { headers: options.headers });
    socket.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

const APP_ORIGIN = 'https://app.example.test';

describe('socket handshake origin', () => {
  const server = useTestServer({ env: { CHATFLOW_ALLOWED_ORIGINS: APP_ORIGIN } });
  const otherPort = () => `http://127.0.0.1:${server.running.port === 65535 ? 65534 : server.running.port + 1}`;

  it.each([
    ['a foreign origin', () => 'http://evil.example'],
    ['the opaque origin null (sandboxed frame, file:)', () => 'null'],
    ['the same host on another port', otherPort],
    ['the same port on another scheme', () => server.url.replace('http:', 'https:')],
    ['another name for the same machine', () => server.url.replace('127.0.0.1', 'localhost')],
    ['a look-alike of an allowed origin', () => 'https://app.example.test.evil.example'],
    ['garbage', () => 'not an origin'],
  ])('refuses the victim\'s cookie from %s with forbidden', async (_, origin) => {
    const victim = await server.createUser({ name: 'Victim' });
    expect(await handshake(server.url, { headers: cookieHeaders(victim.token, origin()) })).toBe('forbidden');
  });

  it('refuses a cookie handshake without Origin that the browser marks cross-site', async () => {
    const victim = await server.createUser({ name: 'Victim' });
    const headers = { ...cookieHeaders(victim.token), 'sec-fetch-site': 'cross-site' };
    expect(await handshake(server.url, { headers })).toBe('forbidden');
    expect(await handshake(server.url, { headers: { ...cookieHeaders(victim.token), referer: 'http://evil.example/page' } })).toBe('forbidden');
  });

  it('still answers unauthorized to a bad cookie, whatever the origin', async () => {
    expect(await handshake(server.url, { headers: cookieHeaders('not-a-token', server.url) })).toBe('unauthorized');
    expect(await handshake(server.url, { headers: { origin: 'http://evil.example' } })).toBe('unauthorized');
  });

  it('accepts the cookie from the server\'s own origin and from CHATFLOW_ALLOWED_ORIGINS', async () => {
    const user = await server.createUser({ name: 'Own' });
    expect(await handshake(server.url, { headers: cookieHeaders(user.token, server.url) })).toBe('connected');
    expect(await handshake(server.url, { headers: cookieHeaders(user.token, APP_ORIGIN) })).toBe('connected');
    // A same-origin page's polling request carries no Origin, only Sec-Fetch-Site.
    expect(await handshake(server.url, { headers: { ...cookieHeaders(user.token), 'sec-fetch-site': 'same-origin' } })).toBe('connected');
  });

  it('accepts a bearer-token socket (a bot) without any Origin, and with a foreign one', async () => {
    const bot = await server.createUser({ name: 'Bot' });
    expect(await handshake(server.url, { token: bot.token })).toBe('connected');
    expect(await handshake(server.url, { token: bot.token, headers: { origin: 'http://evil.example' } })).toBe('connected');
  });
});

describe('socket handshake origin behind a trusted proxy', () => {
  const server = useTestServer({ env: { CHATFLOW_TRUST_PROXY: 'true' } });
  const forwarded = { 'x-forwarded-host': 'chat.example.test', 'x-forwarded-proto': 'https' };

  it('takes the own origin from what the proxy forwarded', async () => {
    const user = await server.createUser({ name: 'Proxied' });
    expect(await handshake(server.url, { headers: { ...forwarded, ...cookieHeaders(user.token, 'https://chat.example.test') } })).toBe('connected');
    expect(await handshake(server.url, { headers: { ...forwarded, ...cookieHeaders(user.token, 'http://chat.example.test') } })).toBe('forbidden');
    expect(await handshake(server.url, { headers: { ...forwarded, ...cookieHeaders(user.token, server.url) } })).toBe('forbidden');
  });
});
