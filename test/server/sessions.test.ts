import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api, cookieHeaders } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

// Ending a session ends its sockets at once: `session:ended` with the reason first, then the
// disconnect, so a client knows to stop reconnecting; the user's other sessions are untouched.

const server = useTestServer();
const UNAUTHORIZED = { status: 401, body: { error: { code: 'unauthorized', message: 'Sign in to continue.' } } };

async function signInAgain(user: TestUser): Promise<string> {
  const login = await new Api(server.url).post('/api/auth/login', { email: user.user.email, password: user.password });
  expect(login.status).toBe(200);
  return login.body.token as string;
}

/** A socket that notes, at the moment it is disconnected, which session:ended events it had. */
function watchEnd(socket: TestSocket) {
  return new Promise<{ reason: string; endedBefore: unknown[]; at: number }>((resolve) => {
    socket.socket.once('disconnect', (reason) => resolve({ reason, endedBefore: socket.received('session:ended'), at: Date.now() }));
  });
}

/** A round trip: the socket is still connected and served. */
async function stillServed(socket: TestSocket) {
  expect(socket.socket.connected).toBe(true);
  expect(await socket.emitAck('chat:sync', { chats: {} })).toMatchObject({ ok: true });
  expect(socket.received('session:ended')).toEqual([]);
}

describe('logout', () => {
  it('ends that session\'s sockets within a second, reason logged_out, and leaves the other session connected', async () => {
    const user = await server.createUser({ name: 'Two Devices' });
    const laptop = await signInAgain(user);
    const laptopSocket = await server.connect(laptop);
    // The browser's socket of the same session, authenticated by the cookie.
    const laptopCookieSocket = await connectSocket(server.url, undefined, { headers: cookieHeaders(laptop, server.url) });
    const phoneSocket = await server.connect(user);
    const ends = [watchEnd(laptopSocket), watchEnd(laptopCookieSocket)];

    const out = await new Api(server.url).request('POST', '/api/auth/logout', undefined, cookieHeaders(laptop, server.url));
    const answeredAt = Date.now();
    expect(out.status).toBe(204);

    for (const end of await Promise.all(ends)) {
      expect(end.endedBefore).toEqual([{ reason: 'logged_out' }]);
      expect(end.at - answeredAt).toBeLessThan(1000);
    }
    expect(laptopSocket.socket.connected).toBe(false);
    expect(await new Api(server.url).request('GET', '/api/me', undefined, cookieHeaders(laptop))).toMatchObject(UNAUTHORIZED);
    await expect(connectSocket(server.url, laptop)).rejects.toThrow('unauthorized');

    await stillServed(phoneSocket);
    expect((await server.api(user.token).get('/api/me')).status).toBe(200);
    laptopCookieSocket.close();
  });

  it('ends nothing of anyone else', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const bobSocket = await server.connect(bob);
    const aliceToken = await signInAgain(alice);
    expect((await server.api(aliceToken).post('/api/auth/logout')).status).toBe(204);
    await stillServed(bobSocket);
  });
});

describe('sign out everywhere', () => {
  it('answers 401 without a session', async () => {
    expect(await new Api(server.url).post('/api/auth/logout-all')).toMatchObject(UNAUTHORIZED);
  });

  it('ends every session and socket of the user, and no one else\'s', async () => {
    const [user, bystander] = [await server.createUser({ name: 'Everywhere' }), await server.createUser({ name: 'Bystander' })];
    const second = await signInAgain(user);
    const sockets = [await server.connect(user), await server.connect(second)];
    const bystanderSocket = await server.connect(bystander);
    const ends = sockets.map(watchEnd);

    const out = await new Api(server.url).request('POST', '/api/auth/logout-all', undefined, cookieHeaders(second, server.url));
    expect(out.status).toBe(204);
    for (const end of await Promise.all(ends)) expect(end.endedBefore).toEqual([{ reason: 'logged_out' }]);
    for (const token of [user.token, second]) expect(await server.api(token).get('/api/me')).toMatchObject(UNAUTHORIZED);
    await stillServed(bystanderSocket);
    expect((await server.api(bystander.token).get('/api/me')).status).toBe(200);
    // The password still signs in: only the sessions ended.
    expect((await server.api(await signInAgain(user)).get('/api/me')).status).toBe(200);
  });
});

describe('ended by an administrator', () => {
  it.each([
    ['deactivation', 'deactivated', (id: string) => server.api(server.admin.token).patch(`/api/admin/users/${id}`, { status: 'deactivated' })],
    ['a password reset', 'password_reset', (id: string) => server.api(server.admin.token).post(`/api/admin/users/${id}/password`, { password: 'a-new-password-1' })],
  ] as const)('%s tells every socket of the user %s before disconnecting it', async (_, reason, act) => {
    const [user, bystander] = [await server.createUser({ name: 'Ended' }), await server.createUser({ name: 'Bystander' })];
    const sockets = [await server.connect(user), await server.connect(await signInAgain(user))];
    const bystanderSocket = await server.connect(bystander);
    const ends = sockets.map(watchEnd);
    expect((await act(user.user.id)).status).toBe(200);
    for (const end of await Promise.all(ends)) expect(end.endedBefore).toEqual([{ reason }]);
    await stillServed(bystanderSocket);
  });
});

describe('logout across replicas sharing Redis', () => {
  const redisUrl = new URL(inject('redisUrl'));
  redisUrl.pathname = `/${randomInt(1, 16)}`;
  const env = { REDIS_URL: redisUrl.toString() };
  const first = useTestServer({ env });
  let second: TestServer;

  beforeAll(async () => {
    const { connectionString } = first.running.services.knex.client.config.connection as { connectionString: string };
    second = await startTestServer({ databaseUrl: connectionString, env });
  });
  afterAll(async () => {
    await second?.close();
  });

  it('ends the session\'s socket on the other replica too', async () => {
    const user = await first.createUser({ name: 'Roaming' });
    const token = await new Api(first.url).post('/api/auth/login', { email: user.user.email, password: user.password }).then((r) => r.body.token as string);
    const remote = await connectSocket(second.url, token);
    const other = await connectSocket(second.url, user.token);
    const end = watchEnd(remote);
    expect((await first.api(token).post('/api/auth/logout')).status).toBe(204);
    expect((await end).endedBefore).toEqual([{ reason: 'logged_out' }]);
    await stillServed(other);
    other.close();
  });
});
