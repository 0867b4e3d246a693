import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';
import { clerkToken, PARTY, publicPem, uniqueEmail } from '../support/clerk-tokens.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket } from '../support/socket-client.ts';

// A Clerk identity takes over an existing account only when Clerk vouches for the email, and
// never an administrator's; a Clerk outage is 503, never a sign-out.

const newSub = () => `user_${randomBytes(8).toString('hex')}`;

async function handshake(url: string, token: string): Promise<string> {
  try {
    const socket = await connectSocket(url, token);
    socket.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('linking a Clerk identity to an existing account', () => {
  const server = useTestServer({ env: { CLERK_JWT_KEY: publicPem, CLERK_AUTHORIZED_PARTIES: PARTY } });

  /** The account with this email as the admin sees it, with whether a Clerk identity is linked. */
  async function accountsWith(email: string) {
    const rows = await server.running.services.knex('users').whereRaw('lower(email) = lower(?)', [email]).select('id', 'clerkId', 'role');
    return rows as { id: string; clerkId: string | null; role: string }[];
  }

  it.each([
    ['email_verified false', { email_verified: false }],
    ['no email_verified claim', { email_verified: undefined }],
    ['email_verified as a string', { email_verified: 'true' }],
  ])('refuses an unverified email (%s) matching an account with 403, and links nothing', async (_, verified) => {
    const owner = await server.createUser({ name: 'Owner' });
    const token = await clerkToken({ sub: newSub(), claims: { email: owner.user.email.toUpperCase(), name: 'Impostor', ...verified } });
    const me = await server.api(token).get('/api/me');
    expect(me).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('Verify your email') } } });
    expect(await handshake(server.url, token)).toBe('forbidden');
    expect(await accountsWith(owner.user.email)).toEqual([{ id: owner.user.id, clerkId: null, role: 'user' }]);
    // The owner's own sign-in is untouched.
    expect((await new Api(server.url).post('/api/auth/login', { email: owner.user.email, password: owner.password })).status).toBe(200);
  });

  it('never uses an unverified email for a new account either', async () => {
    const email = uniqueEmail('unverified');
    const sub = newSub();
    const me = await server.api(await clerkToken({ sub, claims: { email, name: 'Unverified', email_verified: false } })).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: `${sub}@clerk.invalid`, name: 'Unverified', role: 'user' });
    expect(await accountsWith(email)).toEqual([]);
  });

  it('links a verified email to the existing non-admin account', async () => {
    const owner = await server.createUser({ name: 'Linked Owner' });
    const sub = newSub();
    const me = await server.api(await clerkToken({ sub, claims: { email: owner.user.email, name: 'Linked Owner', email_verified: true } })).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: owner.user.id, email: owner.user.email, role: 'user' });
    expect(await accountsWith(owner.user.email)).toEqual([{ id: owner.user.id, clerkId: sub, role: 'user' }]);
    expect(await handshake(server.url, await clerkToken({ sub, claims: { email: owner.user.email, email_verified: true } }))).toBe('connected');
  });

  it('never links an administrator automatically, even with a verified email', async () => {
    const admins = [server.admin, await server.createUser({ name: 'Second Admin', role: 'admin' })];
    for (const admin of admins) {
      const token = await clerkToken({ sub: newSub(), claims: { email: admin.user.email, email_verified: true } });
      const me = await server.api(token).get('/api/me');
      expect(me).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('administrator account is not linked') } } });
      expect(await handshake(server.url, token)).toBe('forbidden');
      expect(await accountsWith(admin.user.email)).toEqual([{ id: admin.user.id, clerkId: null, role: 'admin' }]);
    }
    expect((await server.api(server.admin.token).get('/api/me')).body.user.role).toBe('admin');
  });
});

/** A port on this machine that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('when Clerk\'s keys cannot be fetched', () => {
  // No CLERK_JWT_KEY: @clerk/backend must fetch the keys with the secret key, from an address
  // where nothing answers.
  let apiUrl = '';
  // Registered before the fixture, so it runs before the server starts (and reads env).
  beforeAll(async () => {
    apiUrl = `http://127.0.0.1:${await closedPort()}`;
  });
  const server = useTestServer({
    get env() {
      return { CLERK_SECRET_KEY: 'sk_test_unreachable', CLERK_API_URL: apiUrl, CLERK_AUTHORIZED_PARTIES: PARTY };
    },
  });

  it('answers a Clerk token with 503 unavailable, on REST and at the socket handshake', async () => {
    expect(apiUrl).not.toBe('');
    const token = await clerkToken({ claims: { email: uniqueEmail('outage') } });
    const me = await server.api(token).get('/api/me');
    expect(me).toMatchObject({ status: 503, body: { error: { code: 'unavailable', message: expect.any(String) } } });
    expect(await handshake(server.url, token)).toBe('unavailable');
  });

  it('keeps Chat-Flow sessions working meanwhile', async () => {
    const user = await server.createUser({ name: 'Local' });
    expect((await server.api(user.token).get('/api/me')).status).toBe(200);
    expect(await handshake(server.url, user.token)).toBe('connected');
  });
});
