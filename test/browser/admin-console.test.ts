import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, screenshot, signIn } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, poll, sendFromUi } from './helpers.ts';

/** Signs in with a one-time password: the UI asks for a password of one's own first. */
async function signInOneTime(page: Page, email: string, oneTime: string) {
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(oneTime);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('choose-password-current').fill(oneTime);
  await page.getByTestId('choose-password-new').fill(`${oneTime}-own`);
  await page.getByTestId('choose-password-again').fill(`${oneTime}-own`);
  await page.getByTestId('choose-password-submit').click();
  await page.getByTestId('app-shell').waitFor();
}

const world = useBrowserWorld({ alice: 'Alice Member', bob: 'Bob Member', carol: 'Carol Member', dave: 'Dave Leaving' });

/** Opens the console from the chat UI's link, as an admin would. */
async function openConsole(page: Page) {
  await page.getByTestId('admin-console-link').click();
  await page.getByTestId('admin-shell').waitFor();
}

async function goTo(page: Page, section: 'dashboard' | 'people' | 'groups' | 'settings' | 'audit') {
  await page.getByTestId(`nav-${section}`).click();
  await page.locator(`[data-testid="nav-${section}"][aria-current="page"]`).waitFor();
}

function personRow(page: Page, email: string) {
  return page.locator(`[data-testid="person-row"][data-email="${email}"]`);
}

async function searchPerson(page: Page, email: string) {
  await page.getByTestId('people-search').fill(email);
  await personRow(page, email).waitFor();
}

describe('the admin console', () => {
  it('shows non-admins an "admins only" page, and the API refuses them every admin route', async () => {
    const { page } = await world.open(world.users.alice);
    expect(await page.getByTestId('admin-console-link').count()).toBe(0);
    await page.goto('/admin/people');
    await page.getByTestId('admins-only').waitFor();
    expect(await page.getByTestId('admins-only').textContent()).toContain('Admins only');
    expect(await page.getByTestId('admin-shell').count()).toBe(0);

    const unknownId = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/users'], ['POST', '/api/admin/users', { email: 'x@example.test', name: 'X' }],
      ['PATCH', `/api/admin/users/${unknownId}`, { name: 'Y' }], ['POST', `/api/admin/users/${unknownId}/password`, {}],
      ['POST', '/api/admin/users/import', { csv: 'a@example.test,A,user', dryRun: true }],
      ['GET', '/api/admin/groups'], ['GET', `/api/admin/groups/${unknownId}`], ['POST', '/api/admin/groups', { name: 'G', memberIds: [unknownId] }],
      ['PATCH', `/api/admin/groups/${unknownId}`, { name: 'G' }], ['DELETE', `/api/admin/groups/${unknownId}`],
      ['POST', `/api/admin/groups/${unknownId}/members`, { userIds: [unknownId] }], ['DELETE', `/api/admin/groups/${unknownId}/members/${unknownId}`],
      ['GET', '/api/admin/settings'], ['PATCH', '/api/admin/settings', { retentionDays: 1 }],
      ['GET', '/api/admin/retention'], ['POST', '/api/admin/retention/run'],
      ['GET', '/api/admin/invites'], ['POST', '/api/admin/invites', { expiresInDays: 1, maxUses: 1 }], ['DELETE', `/api/admin/invites/${unknownId}`],
      ['GET', '/api/admin/stats'], ['GET', '/api/admin/audit'], ['GET', '/api/admin/audit/actions'], ['GET', '/api/admin/audit.csv'],
    ];
    for (const [method, path, body] of routes) {
      const res = await world.server.api(world.users.alice.token).request(method, path, body as Record<string, unknown> | undefined);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
  });

  it('creates a person, imports 50 from CSV after a dry run, and a new person signs in', async () => {
    const admin = await world.open(world.server.admin);
    const { page } = admin;
    await openConsole(page);
    await goTo(page, 'people');

    await page.getByTestId('person-add').click();
    const addDialog = page.getByTestId('person-add-dialog');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('person-name');
    await page.getByLabel('Name').fill('Erin New');
    await page.getByLabel('Email').fill('erin.new@example.test');
    await addDialog.getByTestId('person-submit').click();
    const oneTime = await page.getByTestId('one-time-password').inputValue();
    expect(oneTime.length).toBeGreaterThanOrEqual(12);
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('Erin New was added.');
    await page.getByTestId('dialog-close').click();
    // Focus returns to the button that opened the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('person-add');

    const lines = ['email,name,role'];
    for (let i = 1; i <= 47; i += 1) lines.push(`import${i}@example.test,Imported ${i},${i === 1 ? 'admin' : 'user'}`);
    lines.push(`${world.users.alice.user.email},Alice Again,user`, 'erin.new@example.test,Erin Again,', 'not-an-email,Broken Row,user');
    await page.getByTestId('people-import').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByTestId('import-check').click();
    await page.getByTestId('import-summary').waitFor();
    expect(await page.getByTestId('import-create').textContent()).toBe('47');
    expect(await page.getByTestId('import-skip').textContent()).toBe('2');
    expect(await page.getByTestId('import-refuse').textContent()).toBe('1');
    const refused = page.locator('[data-testid="import-row"][data-outcome="refuse"]');
    expect(await refused.textContent()).toContain('not a valid email address');
    // Nothing is written by the dry run.
    expect((await world.server.api(world.server.admin.token).get('/api/admin/users?query=import1')).body.users).toEqual([]);

    await page.getByTestId('import-run').click();
    await expect.poll(() => page.getByTestId('import-summary').textContent(), { timeout: 30_000 }).toContain('Created');
    expect(await page.getByTestId('import-create').textContent()).toBe('47');
    const newRow = page.locator('[data-testid="import-row"][data-email="import7@example.test"]');
    const password = (await newRow.getByTestId('import-password').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await page.getByTestId('import-dialog').getByTestId('dialog-close').click();
    await searchPerson(page, 'import7@example.test');

    const newcomer = await world.openSignedOut();
    await signInOneTime(newcomer.page, 'import7@example.test', password);
    await newcomer.page.getByTestId('current-user').getByText('Imported 7').waitFor();
    const erin = await world.openSignedOut();
    await signInOneTime(erin.page, 'erin.new@example.test', oneTime);
    expect(admin.errors).toEqual([]);
  });

  it('deactivating a person signs their open chat out at once; reactivating lets them back', async () => {
    const dave = world.users.dave;
    const theirs = await world.open(dave);
    const { page } = await world.open(world.server.admin);
    await openConsole(page);
    await goTo(page, 'people');
    await searchPerson(page, dave.user.email);
    await personRow(page, dave.user.email).getByTestId('person-deactivate').click();
    expect(await page.getByTestId('confirm-message').textContent()).toContain(dave.user.email);
    await page.getByTestId('confirm-yes').click();
    // Typically under half a second; the wider limit only absorbs a loaded machine.
    await theirs.page.getByTestId('sign-in-form').waitFor({ timeout: 5_000 });
    await expect.poll(() => personRow(page, dave.user.email).getByTestId('person-status').textContent()).toBe('deactivated');

    await theirs.page.getByTestId('sign-in-email').fill(dave.user.email);
    await theirs.page.getByTestId('sign-in-password').fill(dave.password);
    await theirs.page.getByTestId('sign-in-submit').click();
    await expect.poll(() => theirs.page.getByTestId('sign-in-error').textContent()).toContain('Wrong email or password');

    await personRow(page, dave.user.email).getByTestId('person-reactivate').click();
    await expect.poll(() => personRow(page, dave.user.email).getByTestId('person-status').textContent()).toBe('active');
    await signIn(theirs.page, dave.user.email, dave.password);
  });

  it('creates, renames, trims and archives a group while its members watch live', async () => {
    const { alice, bob, carol } = world.users;
    const [a, b, c] = [await world.open(alice), await world.open(bob), await world.open(carol)];
    const { page } = await world.open(world.server.admin);
    await openConsole(page);
    await goTo(page, 'groups');

    await page.getByTestId('group-create').click();
    const dialog = page.getByTestId('group-create-dialog');
    await dialog.getByTestId('group-name').fill('Launch team');
    for (const who of [alice, bob, carol]) {
      await dialog.getByTestId('picker-search').fill(who.user.email);
      await dialog.locator(`[data-testid="picker-option"][data-email="${who.user.email}"] input`).check();
    }
    await dialog.getByTestId('group-submit').click();
    for (const member of [a, b, c]) await chatItem(member.page, 'Launch team').waitFor();

    const row = page.locator('[data-testid="group-row"][data-name="Launch team"]');
    await row.getByTestId('group-manage').click();
    const manage = page.getByTestId('group-manage-dialog');
    await manage.getByTestId('group-rename').fill('Launch crew');
    await manage.getByTestId('group-rename-save').click();
    for (const member of [a, b, c]) await chatItem(member.page, 'Launch crew').waitFor();

    await manage.locator(`[data-testid="group-member"][data-email="${carol.user.email}"]`).getByTestId('member-remove').click();
    await poll(() => chatItem(c.page, 'Launch crew').count()).toBe(0);
    await poll(() => manage.getByTestId('group-member').count()).toBe(2);
    expect(await chatItem(a.page, 'Launch crew').count()).toBe(1);
    await manage.getByTestId('dialog-close').click();

    await chatItem(a.page, 'Launch crew').click();
    await sendFromUi(a.page, 'before the archive');
    await page.locator('[data-testid="group-row"][data-name="Launch crew"]').getByTestId('group-archive').click();
    await a.page.getByTestId('composer-archived').waitFor();
    expect(await a.page.getByTestId('composer-archived').textContent()).toContain('This group is archived');
    expect(await a.page.getByTestId('composer').count()).toBe(0);
    await chatItem(b.page, 'Launch crew').click();
    await b.page.getByTestId('composer-archived').waitFor();
    // The server refuses as well, whatever a client shows.
    const refused = await world.server.api(bob.token).post(`/api/chats/${await chatIdOf(a.page)}/messages`, { clientId: 'after-archive', body: 'no' });
    expect([refused.status, refused.body.error.message]).toEqual([403, 'This group is archived.']);
  });

  it('lists every admin write in the audit log with actor and target, filterable, and exports CSV', async () => {
    const { page } = await world.open(world.server.admin);
    await page.goto('/admin/audit');
    await page.getByTestId('audit-table').waitFor();
    await poll(() => page.getByTestId('audit-row').count()).toBeGreaterThan(10);

    await page.getByTestId('audit-action').selectOption('group.rename');
    await page.getByTestId('audit-apply').click();
    await poll(() => page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')))).toEqual(['group.rename']);
    const renamed = page.getByTestId('audit-row').first();
    expect(await renamed.getByTestId('audit-actor').textContent()).toBe(world.server.admin.user.name);
    expect(await renamed.textContent()).toContain('Launch crew');

    await page.getByTestId('audit-action').selectOption('');
    await page.getByTestId('audit-person').selectOption(world.users.dave.user.id);
    await page.getByTestId('audit-apply').click();
    await poll(() => page.getByTestId('audit-table').textContent()).toContain('Nothing recorded for these filters.');

    await page.getByTestId('audit-person').selectOption(world.server.admin.user.id);
    await page.getByTestId('audit-action').selectOption('user.update');
    await page.getByTestId('audit-apply').click();
    const daveUpdates = page.locator(`[data-testid="audit-row"]:has([data-target-id="${world.users.dave.user.id}"])`);
    await poll(() => daveUpdates.count()).toBe(2);
    expect(await daveUpdates.first().getByTestId('audit-target').textContent()).toBe(world.users.dave.user.name);

    const href = await page.getByTestId('audit-export').getAttribute('href');
    expect(href).toContain('action=user.update');
    const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('id,createdAt,actorId,actorName,action,targetType,targetId,details,ip');
    expect(lines.filter((line) => line.includes(world.users.dave.user.id))).toHaveLength(2);
  });

  it('offers sign-up on the sign-in page once registration is open, by domain or by invite link', async () => {
    const api = world.server.api(world.server.admin.token);
    const closed = await world.openSignedOut();
    expect(await closed.page.getByTestId('sign-up-open').count()).toBe(0);

    expect((await api.patch('/api/admin/settings', { registration: 'domain', registrationDomain: 'team.example' })).status).toBe(200);
    const byDomain = await world.openSignedOut();
    await byDomain.page.getByTestId('sign-up-open').click();
    await byDomain.page.getByTestId('sign-up-name').fill('Dom Joiner');
    await byDomain.page.getByTestId('sign-up-email').fill('dom@elsewhere.example');
    await byDomain.page.getByTestId('sign-up-password').fill('long-enough-pw');
    await byDomain.page.getByTestId('sign-up-submit').click();
    await poll(() => byDomain.page.getByTestId('sign-up-error').textContent()).toContain('@team.example');
    await byDomain.page.getByTestId('sign-up-email').fill('dom@team.example');
    await byDomain.page.getByTestId('sign-up-submit').click();
    await byDomain.page.getByTestId('current-user').getByText('Dom Joiner').waitFor();

    // By invite: the admin makes a link in the console; whoever opens it finds the form open.
    const { page } = await world.open(world.server.admin);
    await page.goto('/admin/settings');
    await page.getByTestId('registration-invite').check();
    await page.getByTestId('registration-save').click();
    await page.getByTestId('invite-uses').fill('1');
    await page.getByTestId('invite-create').click();
    const link = await page.getByTestId('invite-link').inputValue();
    expect(link).toMatch(/\/\?invite=[A-Za-z0-9_-]{20,}$/);
    const invited = await world.openSignedOut();
    await invited.page.goto(link);
    await invited.page.getByTestId('sign-up-name').fill('Ina Invited');
    await invited.page.getByTestId('sign-up-email').fill('ina@anywhere.example');
    await invited.page.getByTestId('sign-up-password').fill('long-enough-pw');
    await invited.page.getByTestId('sign-up-submit').click();
    await invited.page.getByTestId('current-user').getByText('Ina Invited').waitFor();
    expect((await api.patch('/api/admin/settings', { registration: 'closed' })).status).toBe(200);
  });

  it('renders every console page at desktop and phone widths, light and dark', async () => {
    const sections = [
      ['dashboard', '/admin', 'stat-people'],
      ['people', '/admin/people', 'person-row'],
      ['groups', '/admin/groups', 'group-row'],
      ['settings', '/admin/settings', 'settings-retention'],
      ['audit', '/admin/audit', 'audit-row'],
    ] as const;
    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { page, errors } = await world.open(world.server.admin, { viewport, colorScheme });
        for (const [name, path, ready] of sections) {
          await page.goto(path);
          await page.getByTestId(ready).first().waitFor();
          if (name === 'dashboard') await page.locator('.uplot').first().waitFor();
          await screenshot(page, `admin-${name}-${width}-${colorScheme}`);
        }
        expect(errors).toEqual([]);
      }
    }
  }, 240_000);
});

/** The id of the chat open in this page, from its URL. */
async function chatIdOf(page: Page): Promise<string> {
  const id = new URL(page.url()).pathname.split('/').pop();
  if (!id) throw new Error(`no chat open at ${page.url()}`);
  return id;
}
