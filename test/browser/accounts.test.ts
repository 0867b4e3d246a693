// Accounts in the browser: a one-time password leads only to "Choose your password" (the API and
// the socket refuse everything else meanwhile); a new name and picture reach another person live;
// a member's invite link signs a new person up.
import { describe, expect, it } from 'vitest';
import { cookieHeaders } from '../support/api.ts';
import { makePng } from '../support/media-samples.ts';
import { connectSocket } from '../support/socket-client.ts';
import { screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, createDirect, poll } from './helpers.ts';

describe('accounts in the browser', () => {
  const world = useBrowserWorld({ bob: 'Bob Brown', jo: 'Jo Inviter' });

  it('a one-time password must be replaced first; then a new name and picture reach others live', async () => {
    const admin = world.server.api(world.server.admin.token);
    const created = await admin.post('/api/admin/users', { email: 'gil.new@example.test', name: 'Gil New' });
    expect(created.status).toBe(201);
    const oneTime = created.body.password as string;
    const gilId = created.body.user.id as string;
    const { bob } = world.users;
    await createDirect(world.server.url, bob.token, gilId);
    const bobs = await world.open(bob);
    await chatItem(bobs.page, 'Gil New').waitFor();

    const gil = await world.openSignedOut();
    await gil.page.getByTestId('sign-in-email').fill('gil.new@example.test');
    await gil.page.getByTestId('sign-in-password').fill(oneTime);
    await gil.page.getByTestId('sign-in-submit').click();
    await gil.page.getByTestId('choose-password-form').waitFor();
    expect(await gil.page.getByTestId('app-shell').count()).toBe(0);
    await screenshot(gil.page, 'choose-password');

    // Nothing else works meanwhile: an API call and the socket handshake, both with the page's cookie.
    const refused = await gil.page.evaluate(async () => {
      const res = await fetch('/api/chats');
      const body = (await res.json()) as { error: { code: string } };
      return { status: res.status, code: body.error.code };
    });
    const cookie = (await gil.context.cookies()).find((c) => c.name === 'chatflow_session')!.value;
    const handshake = await connectSocket(world.server.url, undefined, { headers: { ...cookieHeaders(cookie, world.server.url) } }).then(
      (socket) => { socket.close(); return 'connected'; },
      (error: Error) => error.message,
    );
    expect(handshake).toBe('password_change_required');
    expect(refused).toEqual({ status: 403, code: 'password_change_required' });

    // A reload keeps the person on this screen.
    await gil.page.reload();
    await gil.page.getByTestId('choose-password-form').waitFor();
    await gil.page.getByTestId('choose-password-current').fill(oneTime);
    await gil.page.getByTestId('choose-password-new').fill('gils-own-password');
    await gil.page.getByTestId('choose-password-again').fill('gils-own-pasword');
    await gil.page.getByTestId('choose-password-submit').click();
    await poll(() => gil.page.getByTestId('choose-password-error').textContent()).toBe('The two new passwords are not the same.');
    await gil.page.getByTestId('choose-password-again').fill('gils-own-password');
    await gil.page.getByTestId('choose-password-submit').click();
    await gil.page.getByTestId('app-shell').waitFor();
    await gil.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });

    await gil.page.getByTestId('current-user').click();
    const panel = gil.page.getByTestId('profile-panel');
    await panel.waitFor();
    await panel.getByTestId('profile-name').fill('Gil Renamed');
    await panel.getByTestId('profile-name-save').click();
    await panel.getByTestId('profile-name-saved').waitFor();
    await poll(() => gil.page.getByTestId('current-user-name').textContent()).toBe('Gil Renamed');
    await chatItem(bobs.page, 'Gil Renamed').waitFor();

    await panel.getByTestId('profile-avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await makePng(320, 200) });
    const avatar = chatItem(bobs.page, 'Gil Renamed').locator('img');
    await poll(() => avatar.getAttribute('src')).toMatch(new RegExp(`^/api/users/${gilId}/avatar\\?v=`));
    // The picture loads for Bob (an authenticated URL, with his cookie) as a 256 px square.
    await poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    await poll(() => gil.page.getByTestId('current-user').locator('img').count()).toBe(1);
    await screenshot(gil.page, 'profile-panel');

    // The one-time password is spent; the chosen one works.
    expect((await world.server.api().post('/api/auth/login', { email: 'gil.new@example.test', password: oneTime })).status).toBe(401);
    expect((await world.server.api().post('/api/auth/login', { email: 'gil.new@example.test', password: 'gils-own-password' })).status).toBe(200);
    expect([...gil.errors, ...bobs.errors]).toEqual([]);
  });

  it('a member makes an invite link in the profile panel; it signs one new person up, then no more', async () => {
    const admin = world.server.api(world.server.admin.token);
    const { jo } = world.users;
    const joPage = await world.open(jo);
    await joPage.page.getByTestId('current-user').click();
    await joPage.page.getByTestId('profile-panel').waitFor();
    // Registration is closed: no invite section.
    await joPage.page.getByTestId('profile-name').waitFor();
    expect(await joPage.page.getByTestId('invite-section').count()).toBe(0);
    await joPage.page.getByTestId('profile-close').click();

    expect((await admin.patch('/api/admin/settings', { registration: 'invite', membersMayInvite: true })).status).toBe(200);
    await joPage.page.getByTestId('current-user').click();
    const section = joPage.page.getByTestId('invite-section');
    await section.waitFor();
    await section.getByTestId('invite-uses').fill('1');
    await section.getByTestId('invite-create').click();
    const url = (await section.getByTestId('invite-url').inputValue());
    expect(url).toMatch(new RegExp(`^${world.server.url}/\\?invite=`));

    const guest = await world.openSignedOut();
    await guest.page.goto(url);
    await guest.page.getByTestId('sign-up-form').waitFor();
    await guest.page.getByTestId('sign-up-name').fill('Guest One');
    await guest.page.getByTestId('sign-up-email').fill('guest.one@example.test');
    await guest.page.getByTestId('sign-up-password').fill('guest-password');
    await guest.page.getByTestId('sign-up-submit').click();
    await guest.page.getByTestId('app-shell').waitFor();
    await poll(() => guest.page.getByTestId('current-user-name').textContent()).toBe('Guest One');

    const second = await world.openSignedOut();
    await second.page.goto(url);
    await second.page.getByTestId('sign-up-name').fill('Guest Two');
    await second.page.getByTestId('sign-up-email').fill('guest.two@example.test');
    await second.page.getByTestId('sign-up-password').fill('guest-password');
    await second.page.getByTestId('sign-up-submit').click();
    await poll(() => second.page.getByTestId('sign-up-error').textContent()).toContain('not valid any more');

    // Without an invite in the address, the sign-in page offers no sign-up; closed, none at all.
    const plain = await world.openSignedOut();
    await plain.page.getByTestId('sign-in-form').waitFor();
    expect(await plain.page.getByTestId('sign-up-open').count()).toBe(0);
    expect((await admin.patch('/api/admin/settings', { registration: 'domain', registrationDomain: 'team.example' })).status).toBe(200);
    await plain.page.reload();
    await plain.page.getByTestId('sign-up-open').waitFor();
    expect((await admin.patch('/api/admin/settings', { registration: 'closed' })).status).toBe(200);
    await plain.page.reload();
    await plain.page.getByTestId('sign-in-form').waitFor();
    await poll(() => plain.page.evaluate(() => fetch('/api/auth/registration').then((r) => r.json()))).toEqual({ mode: 'closed', domain: null });
    expect(await plain.page.getByTestId('sign-up-open').count()).toBe(0);
  });
});
