// The web UI keeps its sign-in only in the httpOnly cookie, and when the server ends the session
// (sign out elsewhere, deactivation, password reset) it stops reconnecting and says why.
import { describe, expect, it } from 'vitest';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, createDirect, createGroup, poll } from './helpers.ts';

describe('the session in the browser', () => {
  const world = useBrowserWorld({ carol: 'Carol Reed', dan: 'Dan Cole', erin: 'Erin Wolfe' });

  it('keeps no token where script can read it, and resumes from the cookie after a reload', async () => {
    const { carol } = world.users;
    const s = await world.open(carol);
    const stored = await s.page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    const cookies = await s.context.cookies();
    expect(cookies.find((c) => c.name === 'chatflow_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await s.page.reload();
    await s.page.getByTestId('app-shell').waitFor();
    await s.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('shows the sign-in screen with the reason within 2 s when the account is deactivated, and stops reconnecting', async () => {
    const { dan, carol } = world.users;
    await createDirect(world.server.url, carol.token, dan.user.id);
    await createGroup(world.server.url, carol.token, 'Crew', [dan.user.id]);
    // Every Socket.IO handshake the page starts: a WebSocket, or a polling request without a session id.
    let handshakes = 0;
    const s = await world.open(dan, {
      setup: async (context) => {
        context.on('page', (page) => {
          page.on('websocket', (ws) => { if (ws.url().includes('/socket.io/')) handshakes += 1; });
          page.on('request', (req) => { if (req.url().includes('/socket.io/?') && !req.url().includes('sid=') && req.url().includes('transport=polling')) handshakes += 1; });
        });
      },
    });
    expect(handshakes).toBeGreaterThan(0);
    const deactivated = await world.server.api(world.server.admin.token).patch(`/api/admin/users/${dan.user.id}`, { status: 'deactivated' });
    expect(deactivated.status).toBe(200);
    await s.page.getByTestId('sign-in-form').waitFor({ timeout: 2_000 });
    expect(await s.page.getByTestId('sign-in-error').textContent()).toBe('You were signed out: your account was deactivated.');
    const afterEnd = handshakes;
    // No reconnect loop: no handshake and no shell come back (Socket.IO would retry within 0.5-4 s).
    await s.page.waitForTimeout(5000);
    expect(handshakes).toBe(afterEnd);
    await expect(s.page.getByTestId('app-shell').count()).resolves.toBe(0);
    expect(s.errors).toEqual([]);

    // Others no longer find Dan in the directory or the pickers, and cannot open a direct chat.
    const users = (await world.server.api(carol.token).get(`/api/users?query=${encodeURIComponent('Dan Cole')}`)).body.users as unknown[];
    expect(users).toEqual([]);
    const dm = await world.server.api(carol.token).post('/api/chats/direct', { userId: dan.user.id });
    expect([dm.status, dm.body.error.code]).toEqual([409, 'user_deactivated']);
    const c = await world.open(carol);
    await c.page.getByTestId('new-direct').click();
    await c.page.getByTestId('people-search').fill('Dan');
    await c.page.getByTestId('new-direct-dialog').getByText('No one found.').waitFor();
    // The existing chat keeps his name; a group's member list marks him.
    await chatItem(c.page, 'Dan Cole').waitFor();
    await c.page.keyboard.press('Escape');
    await c.page.getByTestId('new-direct-dialog').waitFor({ state: 'detached' });
    await chatItem(c.page, 'Crew').click();
    await c.page.getByTestId('members-button').click();
    const member = c.page.locator(`[data-testid="member-item"][data-user-id="${dan.user.id}"]`);
    await member.getByTestId('member-deactivated').waitFor();
    expect(await c.page.getByTestId('member-deactivated').count()).toBe(1);
  });

  it('a password change ends the other open pages of the person, with the reason, and keeps this one', async () => {
    const { carol } = world.users;
    const here = await world.open(carol);
    const there = await world.open(carol);
    await here.page.getByTestId('current-user').click();
    await here.page.getByTestId('profile-password-current').fill(carol.password);
    await here.page.getByTestId('profile-password-new').fill('carols-new-password');
    await here.page.getByTestId('profile-password-save').click();
    await here.page.getByTestId('profile-password-saved').waitFor();
    await there.page.getByTestId('sign-in-form').waitFor({ timeout: 5_000 });
    expect(await there.page.getByTestId('sign-in-error').textContent()).toBe('You were signed out: your password was changed.');
    await here.page.getByTestId('profile-close').click();
    await here.page.reload();
    await here.page.getByTestId('app-shell').waitFor();
  });

  it('signs the page out when the user signs out everywhere from another device', async () => {
    const { erin } = world.users;
    const s = await world.open(erin);
    const out = await world.server.api(erin.token).post('/api/auth/logout-all');
    expect(out.status).toBe(204);
    await s.page.getByTestId('sign-in-form').waitFor();
    await poll(() => s.page.getByTestId('sign-in-error').textContent()).toBe('You were signed out from another window or device.');
    await s.page.reload();
    await s.page.getByTestId('sign-in-form').waitFor();
  });
});
