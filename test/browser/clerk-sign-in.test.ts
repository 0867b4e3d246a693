// Acceptance "h": with CLERK_PUBLISHABLE_KEY the sign-in page offers Clerk. The test stands in for
// Clerk's SDK (the vendored script's URL answers a tiny script exposing window.Clerk) and signs
// Clerk session tokens itself; from the token on, the product's own path runs: REST with the
// bearer token, the socket's auth.token at every (re)connect, and the user provisioned once.
import { randomBytes, type KeyObject } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { screenshot, signIn } from '../support/browser.ts';
import { clerkToken, newKeyPair, uniqueEmail } from '../support/clerk-tokens.ts';
import { chatItem, connectBot, createDirect, messageBodies, poll, sendFromUi, sendViaSocket } from './helpers.ts';

const FRONTEND_API = 'clerk.example.test';
const PUBLISHABLE_KEY = `pk_test_${Buffer.from(`${FRONTEND_API}$`).toString('base64')}`;
const clerkKeys = newKeyPair();
const strangerKeys = newKeyPair();
const SDK_PATH = /\/vendor\/@clerk\/clerk-js@[^/]+\/dist\/clerk\.browser\.js$/;

// The stand-in for Clerk's browser SDK: what the UI uses of it (load, session.getToken, user,
// openSignIn, addListener, signOut). Being signed in to "Clerk" survives page loads, as Clerk's
// own session does, in localStorage; every getToken() asks the test for a freshly signed token.
const STAND_IN_SDK = `(() => {
  const script = document.currentScript;
  const listeners = [];
  const signedIn = () => localStorage.getItem('stand-in-clerk') === 'signed-in';
  const clerk = {
    publishableKey: script && script.getAttribute('data-clerk-publishable-key'),
    session: null,
    user: null,
    async load() { if (signedIn()) this.activate(); },
    activate() {
      this.session = { getToken: () => window.__mintClerkToken() };
      this.user = { id: 'stand-in' };
      for (const listener of listeners) listener({ session: this.session, user: this.user });
    },
    openSignIn() { localStorage.setItem('stand-in-clerk', 'signed-in'); setTimeout(() => this.activate(), 50); },
    addListener(listener) { listeners.push(listener); return () => listeners.splice(listeners.indexOf(listener), 1); },
    async signOut() { localStorage.removeItem('stand-in-clerk'); this.session = null; this.user = null; },
  };
  window.Clerk = clerk;
})();`;

interface Minted {
  token: string;
  /** Seconds since the epoch. */
  exp: number;
}

const robin = { sub: `user_${randomBytes(8).toString('hex')}`, email: uniqueEmail('robin'), name: 'Robin Clerk' };

describe('Clerk sign-in in the web UI', () => {
  const world = useBrowserWorld({ pat: 'Pat Lee' }, { env: { CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY, CLERK_JWT_KEY: clerkKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  const minted: Minted[] = [];
  /** Tokens short-lived on purpose, so a token refresh is needed within the test. */
  const TOKEN_SECONDS = 2;
  let signingKey: KeyObject = strangerKeys.privateKey;

  const mint = async (): Promise<string> => {
    const token = await clerkToken({ sub: robin.sub, key: signingKey, expiresIn: TOKEN_SECONDS, issuedAgo: 0, claims: { email: robin.email, name: robin.name } });
    minted.push({ token, exp: Math.floor(Date.now() / 1000) + TOKEN_SECONDS });
    return token;
  };

  /** Bearer tokens of the page's API calls and auth tokens of its socket handshakes, as sent. */
  function watchCredentials(page: Page) {
    const seen = { rest: [] as (string | null)[], socket: [] as string[], stubLoads: 0 };
    page.on('request', (request) => {
      if (!new URL(request.url()).pathname.startsWith('/api/')) return;
      const header = request.headers().authorization;
      seen.rest.push(header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null);
    });
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        // Socket.IO's CONNECT packet: "40" and the auth object.
        const text = typeof payload === 'string' ? payload : payload.toString();
        if (text.startsWith('40')) seen.socket.push((JSON.parse(text.slice(2) || '{}') as { token?: string }).token ?? '');
      }),
    );
    return seen;
  }

  const standInClerk = async (context: BrowserContext) => {
    await context.route(SDK_PATH, (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: STAND_IN_SDK }));
    await context.exposeFunction('__mintClerkToken', mint);
  };

  const usersWithEmail = async (email: string) => {
    const found = await world.server.api(world.server.admin.token).get(`/api/admin/users?query=${encodeURIComponent(email)}&limit=50`);
    expect(found.status).toBe(200);
    return (found.body.users as { id: string; email: string; name: string }[]).filter((u) => u.email.toLowerCase() === email.toLowerCase());
  };

  it('says what the sign-in page may offer, serves the real SDK same-origin and names Clerk\'s host in the chat page\'s CSP only', async () => {
    const options = await world.server.api().get('/api/auth/options');
    expect(options.status).toBe(200);
    expect(options.body).toEqual({
      clerk: { publishableKey: PUBLISHABLE_KEY, frontendApi: FRONTEND_API, sdkUrl: expect.stringMatching(SDK_PATH) },
      builtInAccounts: true,
    });
    const sdk = await fetch(`${world.server.url}${options.body.clerk.sdkUrl as string}`);
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('content-type')).toMatch(/javascript/);
    expect(sdk.headers.get('cache-control')).toContain('immutable');
    expect(await sdk.text()).toContain('data-clerk-publishable-key');

    const page = await fetch(`${world.server.url}/`);
    const csp = page.headers.get('content-security-policy')!;
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';
    for (const name of ['script-src', 'connect-src', 'frame-src', 'img-src']) expect(directive(name), name).toContain(`https://${FRONTEND_API}`);
    expect((csp.match(/https:\/\/[a-z0-9.-]+/g) ?? []).filter((host) => host !== `https://${FRONTEND_API}` && host !== 'https://img.clerk.com')).toEqual([]);
    const adminPage = await fetch(`${world.server.url}/admin`);
    expect(adminPage.headers.get('content-security-policy')).not.toContain(FRONTEND_API);
  });

  it('refuses a Clerk token the server cannot verify, and provisions nobody', async () => {
    signingKey = strangerKeys.privateKey;
    const s = await world.openSignedOut({ setup: standInClerk });
    await s.page.getByTestId('sign-in-clerk').click();
    await poll(() => s.page.getByTestId('sign-in-clerk-error').textContent()).toMatch(/did not accept the Clerk sign-in/);
    expect(await s.page.getByTestId('app-shell').count()).toBe(0);
    expect(await usersWithEmail(robin.email)).toEqual([]);
    await s.context.close();
  });

  it('signs in with Clerk, talks over REST and the socket with fresh tokens, and provisions the user once', async () => {
    signingKey = clerkKeys.privateKey;
    const { pat } = world.users;
    const s = await world.openSignedOut({ setup: standInClerk });
    const seen = watchCredentials(s.page);
    // The SDK was loaded from its vendored URL with the publishable key on its tag.
    expect(await s.page.evaluate(() => (window as unknown as { Clerk?: { publishableKey?: string } }).Clerk?.publishableKey)).toBe(PUBLISHABLE_KEY);
    await s.page.getByTestId('sign-in-email').waitFor();
    await screenshot(s.page, 'desktop-sign-in-clerk');

    await s.page.getByTestId('sign-in-clerk').click();
    await s.page.getByTestId('app-shell').waitFor();
    await s.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
    // Signed in by Clerk alone: no Chat-Flow session cookie, every API call carried a Clerk token.
    expect((await s.context.cookies()).map((c) => c.name)).not.toContain('chatflow_session');
    const mintedTokens = new Set(minted.map((m) => m.token));
    const signedInCalls = seen.rest.slice(seen.rest.findIndex((t) => t !== null));
    expect(signedInCalls.length).toBeGreaterThan(2);
    for (const token of signedInCalls) expect(mintedTokens.has(token ?? '')).toBe(true);
    expect(seen.socket).toHaveLength(1);
    expect(mintedTokens.has(seen.socket[0]!)).toBe(true);

    const [provisioned] = await usersWithEmail(robin.email);
    expect(provisioned).toMatchObject({ email: robin.email, name: robin.name });

    // A message each way: Pat (a built-in account, on a bot socket) and Robin in the browser.
    const bot: Socket = await connectBot(world.server.url, pat.token);
    try {
      const received: string[] = [];
      bot.on('message:new', (m: { body: string }) => received.push(m.body));
      const chatId = await createDirect(world.server.url, pat.token, provisioned!.id);
      await chatItem(s.page, 'Pat Lee').click();
      await sendViaSocket(bot, chatId, 'Hello Robin');
      await poll(() => messageBodies(s.page)).toEqual(['Hello Robin']);
      await sendFromUi(s.page, 'Hi Pat');
      await poll(() => received).toContain('Hi Pat');

      // Every token minted so far expires (past Clerk's 5 s clock skew); the socket reconnects
      // with a fresh one, or the server would refuse it and the UI would sign out.
      const firstHandshake = seen.socket[0]!;
      const expiredAt = Math.max(...minted.map((m) => m.exp)) + 6;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiredAt * 1000 - Date.now()) + 500));
      expect((await new Api(world.server.url, firstHandshake).get('/api/me')).status).toBe(401);
      await s.context.setOffline(true);
      await poll(() => s.page.getByTestId('connection-banner').count()).toBe(1);
      await s.context.setOffline(false);
      await s.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
      expect(seen.socket.length).toBeGreaterThanOrEqual(2);
      expect(seen.socket.at(-1)).not.toBe(firstHandshake);
      await sendFromUi(s.page, 'Still here after the refresh');
      await poll(() => received).toContain('Still here after the refresh');
      await sendViaSocket(bot, chatId, 'Got it');
      await poll(() => messageBodies(s.page)).toEqual(['Hello Robin', 'Hi Pat', 'Still here after the refresh', 'Got it']);
    } finally {
      bot.close();
    }

    // A second page load resumes through Clerk, without the sign-in page; a second device too.
    await s.page.reload();
    await s.page.getByTestId('app-shell').waitFor();
    const other = await world.openSignedOut({ setup: standInClerk });
    await other.page.getByTestId('sign-in-clerk').click();
    await other.page.getByTestId('app-shell').waitFor();
    await poll(() => chatItem(other.page, 'Pat Lee').count()).toBe(1);

    const all = await usersWithEmail(robin.email);
    expect(all).toHaveLength(1);
    expect(all[0]!.id).toBe(provisioned!.id);

    // Signing out ends the Clerk session too: the next load shows the sign-in page.
    await s.page.getByTestId('sign-out').click();
    await s.page.getByTestId('sign-in-clerk').waitFor();
    await s.page.reload();
    await s.page.getByTestId('sign-in-clerk').waitFor();
    expect(s.errors).toEqual([]);
  });

  it('with built-in accounts off, keeps password sign-in for administrators only', async () => {
    const { pat } = world.users;
    const admin = world.server.api(world.server.admin.token);
    expect((await admin.patch('/api/admin/settings', { builtInAccounts: 'no' })).status).toBe(400);
    const off = await admin.patch('/api/admin/settings', { builtInAccounts: false });
    expect(off.status).toBe(200);
    expect(off.body.settings.builtInAccounts).toBe(false);
    try {
      const anon = world.server.api();
      expect((await anon.get('/api/auth/options')).body.builtInAccounts).toBe(false);
      // A wrong password is still only "wrong"; the right one is refused for a non-admin.
      expect((await anon.post('/api/auth/login', { email: pat.user.email, password: 'not-the-password' })).status).toBe(401);
      const refused = await anon.post('/api/auth/login', { email: pat.user.email, password: pat.password });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('password_sign_in_disabled');
      const signup = await anon.post('/api/auth/signup', { email: uniqueEmail('new'), name: 'New', password: 'a-long-password' });
      expect(signup.status).toBe(403);
      expect(signup.body.error.code).toBe('password_sign_in_disabled');
      // Tokens already given out keep working; administrators still sign in with a password.
      expect((await world.server.api(pat.token).get('/api/me')).status).toBe(200);
      expect((await anon.post('/api/auth/login', { email: world.server.admin.user.email, password: world.server.admin.password })).status).toBe(200);

      // The page offers Clerk and hides the password form, except behind the administrators' link.
      const s = await world.openSignedOut({ setup: standInClerk });
      await s.page.getByTestId('sign-in-clerk').waitFor();
      expect(await s.page.getByTestId('sign-in-email').count()).toBe(0);
      await screenshot(s.page, 'desktop-sign-in-clerk-only');
      await s.page.getByTestId('sign-in-admin-password').click();
      await signIn(s.page, world.server.admin.user.email, world.server.admin.password);
    } finally {
      expect((await admin.patch('/api/admin/settings', { builtInAccounts: true })).status).toBe(200);
    }
  });
});
