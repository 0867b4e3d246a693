import { describe, expect, it } from 'vitest';
import { clerkToken, publicPem, uniqueEmail } from '../support/clerk-tokens.ts';
import { useTestServer } from '../support/server-fixture.ts';

// The admin setting "built-in accounts": off, password sign-in and sign-up are refused to everyone
// but administrators (so nobody is locked out), and Clerk is the way in.
const FRONTEND_API = 'clerk.example.test';
const PUBLISHABLE_KEY = `pk_live_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`;

describe('built-in accounts', () => {
  const server = useTestServer({ env: { CLERK_JWT_KEY: publicPem, CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY } });

  it('refuses a setting that is not a boolean, and non-admins who try to change it', async () => {
    const user = await server.createUser();
    expect((await server.api(user.token).patch('/api/admin/settings', { builtInAccounts: false })).status).toBe(403);
    const bad = await server.api(server.admin.token).patch('/api/admin/settings', { builtInAccounts: 'off' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect((await server.api().get('/api/auth/options')).body.builtInAccounts).toBe(true);
  });

  it('when off, refuses password sign-in and sign-up to non-admins with 403 and keeps it for admins', async () => {
    const user = await server.createUser();
    const admin = server.api(server.admin.token);
    expect((await admin.patch('/api/admin/settings', { builtInAccounts: false, registration: 'domain', registrationDomain: 'example.test' })).status).toBe(200);
    try {
      const anon = server.api();
      expect((await anon.get('/api/auth/options')).body).toEqual({
        clerk: { publishableKey: PUBLISHABLE_KEY, frontendApi: FRONTEND_API, sdkUrl: expect.stringMatching(/^\/vendor\/@clerk\/clerk-js@[\d.]+\/dist\/clerk\.browser\.js$/) },
        builtInAccounts: false,
      });
      expect((await anon.post('/api/auth/login', { email: user.user.email, password: 'wrong-password' })).status).toBe(401);
      expect((await anon.post('/api/auth/login', { email: 'nobody@example.test', password: 'wrong-password' })).status).toBe(401);
      const refused = await anon.post('/api/auth/login', { email: user.user.email, password: user.password });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('password_sign_in_disabled');
      expect(refused.headers.get('set-cookie')).toBeNull();
      const signup = await anon.post('/api/auth/signup', { email: uniqueEmail('new'), name: 'New Person', password: 'a-long-password' });
      expect(signup.status).toBe(403);
      expect(signup.body.error.code).toBe('password_sign_in_disabled');

      const adminLogin = await anon.post('/api/auth/login', { email: server.admin.user.email, password: server.admin.password });
      expect(adminLogin.status).toBe(200);
      // Clerk sign-ins are untouched by the setting.
      const clerk = await server.api(await clerkToken({ claims: { email: uniqueEmail('clerk'), name: 'Via Clerk' } })).get('/api/me');
      expect(clerk.status).toBe(200);
      expect(clerk.body.user.name).toBe('Via Clerk');
    } finally {
      expect((await admin.patch('/api/admin/settings', { builtInAccounts: true, registration: 'closed' })).status).toBe(200);
    }
    expect((await server.api().post('/api/auth/login', { email: user.user.email, password: user.password })).status).toBe(200);
  });

  it('names Clerk\'s frontend API in the chat page\'s CSP and serves its SDK', async () => {
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get('content-security-policy')!;
    for (const directive of ['script-src', 'connect-src', 'frame-src', 'img-src']) {
      expect(csp.split('; ').find((d) => d.startsWith(`${directive} `)), directive).toContain(`https://${FRONTEND_API}`);
    }
    const { sdkUrl } = (await server.api().get('/api/auth/options')).body.clerk as { sdkUrl: string };
    const sdk = await fetch(`${server.url}${sdkUrl}`, { headers: { 'accept-encoding': 'br' } });
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('content-encoding')).toBe('br');
    expect(sdk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
