import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { clerkToken, newKeyPair, PARTY, publicPem, uniqueEmail } from '../support/clerk-tokens.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket } from '../support/socket-client.ts';

// Acceptance "g": Clerk session tokens verified locally with CLERK_JWT_KEY, no network.
const otherKeys = newKeyPair();

/** The connect_error a socket handshake ends with, or a failure when it is accepted. */
async function refusal(url: string, token: string): Promise<string> {
  try {
    const socket = await connectSocket(url, token);
    socket.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the socket handshake was accepted');
}

describe('Clerk session tokens', () => {
  const server = useTestServer({ env: { CLERK_JWT_KEY: publicPem, CLERK_AUTHORIZED_PARTIES: PARTY } });

  async function adminFind(email: string) {
    const listed = await server.api(server.admin.token).get(`/api/admin/users?query=${encodeURIComponent(email)}&limit=200`);
    expect(listed.status).toBe(200);
    return (listed.body.users as { id: string; email: string; name: string; status: string }[]).filter((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  it('accepts a valid token on REST and provisions the user once, from the claims', async () => {
    const email = uniqueEmail('grace');
    const sub = `user_${randomBytes(8).toString('hex')}`;
    expect(await adminFind(email)).toHaveLength(0);

    const token = await clerkToken({ sub, claims: { email, name: 'Grace Hopper' } });
    const me = await server.api(token).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, name: 'Grace Hopper', role: 'user', status: 'active' });
    const userId = me.body.user.id as string;

    // A second request, and a fresh token for the same Clerk user, reuse that account.
    const again = await server.api(token).get('/api/me');
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(userId);
    const later = await server.api(await clerkToken({ sub, claims: { email, name: 'Grace Hopper' } })).get('/api/me');
    expect(later.body.user.id).toBe(userId);

    const found = await adminFind(email);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: userId, name: 'Grace Hopper', status: 'active' });

    // The provisioned user is a full member of the directory: others can find it and chat with it.
    const other = await server.createUser({ name: 'Colleague' });
    const chat = await server.api(other.token).post('/api/chats/direct', { userId });
    expect(chat.status).toBe(201);
    expect(chat.body.chat.name).toBe('Grace Hopper');
    const chats = await server.api(token).get('/api/chats');
    expect(chats.status).toBe(200);
    expect((chats.body.chats as { id: string }[]).map((c) => c.id)).toContain(chat.body.chat.id);
  });

  it('builds the name from first_name and last_name when there is no name claim', async () => {
    const email = uniqueEmail('ada');
    const me = await server.api(await clerkToken({ claims: { email, first_name: 'Ada', last_name: 'Lovelace' } })).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, name: 'Ada Lovelace' });
  });

  it('provisions exactly one user when the first requests of a new Clerk user arrive together', async () => {
    const email = uniqueEmail('burst');
    const sub = `user_${randomBytes(8).toString('hex')}`;
    const tokens = await Promise.all(Array.from({ length: 6 }, () => clerkToken({ sub, claims: { email, name: 'Burst' } })));
    const responses = await Promise.all(tokens.map((token) => server.api(token).get('/api/me')));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect(new Set(responses.map((r) => r.body.user.id)).size).toBe(1);
    expect(await adminFind(email)).toHaveLength(1);
  });

  it('accepts a valid token at the socket handshake', async () => {
    const email = uniqueEmail('socket');
    const token = await clerkToken({ claims: { email, name: 'Socket User' } });
    const socket = await server.connect(token);
    expect(socket.socket.connected).toBe(true);
    const found = await adminFind(email);
    expect(found).toHaveLength(1);
  });

  const refused: [string, () => Promise<string>][] = [
    ['signed with another key', () => clerkToken({ key: otherKeys.privateKey, claims: { email: uniqueEmail('forged') } })],
    ['expired', () => clerkToken({ expiresIn: -120, issuedAgo: 600, claims: { email: uniqueEmail('expired') } })],
    ['for another authorized party', () => clerkToken({ azp: 'https://evil.example.test', claims: { email: uniqueEmail('azp') } })],
    ['not yet valid', () => clerkToken({ issuedAgo: -600, expiresIn: 1200, claims: { email: uniqueEmail('future') } })],
    ['tampered after signing', async () => {
      const [header, , signature] = (await clerkToken()).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'user_admin', azp: PARTY, exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
      return `${header}.${payload}.${signature}`;
    }],
    ['unsigned (alg none)', async () => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'user_none', azp: PARTY, exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    }],
  ];

  it.each(refused)('refuses a token %s on REST with 401 and creates no user', async (_, make) => {
    const token = await make();
    const me = await server.api(token).get('/api/me');
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const chats = await server.api(token).get('/api/chats');
    expect(chats.status).toBe(401);
  });

  it.each(refused)('refuses a token %s at the socket handshake', async (_, make) => {
    expect(await refusal(server.url, await make())).toBe('unauthorized');
  });

  it('refuses the tokens of a Clerk user the admin deactivated, on REST and on the socket', async () => {
    const email = uniqueEmail('leaver');
    const sub = `user_${randomBytes(8).toString('hex')}`;
    const token = await clerkToken({ sub, claims: { email, name: 'Leaver' } });
    const me = await server.api(token).get('/api/me');
    expect(me.status).toBe(200);
    const socket = await server.connect(token);

    const deactivated = await server.api(server.admin.token).patch(`/api/admin/users/${me.body.user.id}`, { status: 'deactivated' });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.user.status).toBe('deactivated');

    // The open socket is closed at once; the same and any new token are refused.
    await socket.waitFor(() => !socket.socket.connected, 'the socket of the deactivated user to close');
    const fresh = await clerkToken({ sub, claims: { email, name: 'Leaver' } });
    for (const t of [token, fresh]) {
      const refusedMe = await server.api(t).get('/api/me');
      expect(refusedMe.status).toBe(401);
      expect(refusedMe.body.error.code).toBe('unauthorized');
      expect(await refusal(server.url, t)).toBe('unauthorized');
    }
    // Still one (deactivated) account: the refusal did not provision a new one.
    const found = await adminFind(email);
    expect(found).toHaveLength(1);
    expect(found[0]!.status).toBe('deactivated');

    // Reactivated, the same Clerk user gets back in.
    const reactivated = await server.api(server.admin.token).patch(`/api/admin/users/${me.body.user.id}`, { status: 'active' });
    expect(reactivated.status).toBe(200);
    expect((await server.api(fresh).get('/api/me')).status).toBe(200);
  });

  it('still accepts Chat-Flow accounts signing in with a password', async () => {
    const user = await server.createUser({ name: 'Password User' });
    expect((await server.api(user.token).get('/api/me')).status).toBe(200);
  });
});

describe('Clerk key stored with literal \\n escapes', () => {
  const escaped = publicPem.trim().replace(/\n/g, '\\n');
  // Registered before the fixture, so it still runs before the server starts.
  beforeAll(() => {
    expect(escaped).not.toContain('\n');
  });
  const server = useTestServer({ env: { CLERK_JWT_KEY: escaped, CLERK_AUTHORIZED_PARTIES: PARTY } });

  it('accepts valid tokens and refuses forged ones', async () => {
    const email = uniqueEmail('escaped');
    const token = await clerkToken({ claims: { email, name: 'Escaped Key' } });
    const me = await server.api(token).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email, name: 'Escaped Key' });
    const socket = await connectSocket(server.url, token);
    socket.close();
    const forged = await clerkToken({ key: otherKeys.privateKey });
    expect((await server.api(forged).get('/api/me')).status).toBe(401);
    expect(await refusal(server.url, forged)).toBe('unauthorized');
  });
});

describe('without Clerk configured', () => {
  const server = useTestServer();

  it('refuses Clerk tokens, however well signed', async () => {
    const token = await clerkToken({ claims: { email: uniqueEmail('noclerk') } });
    expect((await server.api(token).get('/api/me')).status).toBe(401);
    expect(await refusal(server.url, token)).toBe('unauthorized');
  });
});
