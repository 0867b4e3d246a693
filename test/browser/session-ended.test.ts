// The web UI keeps its sign-in only in the httpOnly cookie, and when the server ends the session
// (sign out elsewhere, deactivation, password reset) it stops reconnecting and says why.
import { describe, expect, it } from 'vitest';
import { useBrowserWorld } from '../support/browser-world.ts';
import { poll } from './helpers.ts';

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

  it('shows the sign-in screen with the reason when the account is deactivated, and stays there', async () => {
    const { dan } = world.users;
    const s = await world.open(dan);
    const deactivated = await world.server.api(world.server.admin.token).patch(`/api/admin/users/${dan.user.id}`, { status: 'deactivated' });
    expect(deactivated.status).toBe(200);
    await s.page.getByTestId('sign-in-form').waitFor();
    await poll(() => s.page.getByTestId('sign-in-error').textContent()).toBe('You were signed out: your account was deactivated.');
    // No reconnect loop brings the shell back.
    await s.page.waitForTimeout(1500);
    await expect(s.page.getByTestId('app-shell').count()).resolves.toBe(0);
    expect(s.errors).toEqual([]);
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
