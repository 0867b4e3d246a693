// Accounts people manage themselves (PROTOCOL v1.1 "Sessions and delivery"): profile, avatar,
// password changes, one-time passwords, member invites, deactivated people, the recovery command.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { ensureFirstAdmin } from '../../app/server/bootstrap/first-admin.ts';
import { createLogger } from '../../app/server/logger.ts';
import { makePdf, makePng } from '../support/media-samples.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { startTestServer } from '../support/test-server.ts';
import { connectSocket } from '../support/socket-client.ts';

const invalid = (message: string) => ({ error: { code: 'invalid_input', message } });

/** PUT /api/me/avatar with one part `file`. */
async function putAvatar(url: string, token: string | undefined, data: Buffer, name = 'me.png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  const response = await fetch(`${url}/api/me/avatar`, { method: 'PUT', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('one\'s own account', () => {
  const server = useTestServer();

  it('answers 401 without a session', async () => {
    const anon = server.api();
    expect((await anon.patch('/api/me', { name: 'X' })).status).toBe(401);
    expect((await anon.post('/api/me/password', { currentPassword: 'whatever-1', password: 'whatever-2' })).status).toBe(401);
    expect((await putAvatar(server.url, undefined, await makePng(10, 10))).status).toBe(401);
    const someone = await server.createUser({ name: 'Someone' });
    expect((await anon.get(`/api/users/${someone.user.id}/avatar`)).status).toBe(401);
  });

  it('refuses a malformed name, a wrong current password and a short new one', async () => {
    const ann = await server.createUser({ name: 'Ann' });
    const api = server.api(ann.token);
    expect((await api.patch('/api/me', { name: '   ' })).body).toEqual(invalid('name: Too small: expected string to have >=1 characters'));
    expect((await api.patch('/api/me', { name: 'x'.repeat(101) })).status).toBe(400);
    expect((await api.patch('/api/me', { name: 'Ann', role: 'admin' })).status).toBe(400);
    expect((await api.patch('/api/me', {})).status).toBe(400);
    const wrong = await api.post('/api/me/password', { currentPassword: 'not-my-password', password: 'a-new-password' });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_password']);
    expect((await api.post('/api/me/password', { currentPassword: ann.password, password: 'short' })).body).toEqual(invalid('password: at least 8 characters'));
    // Nothing changed: the old password still signs in.
    expect((await server.api().post('/api/auth/login', { email: ann.user.email, password: ann.password })).status).toBe(200);
  });

  it('refuses an avatar that is not a picture (415) or too large (413)', async () => {
    const ben = await server.createUser({ name: 'Ben' });
    const pdf = await putAvatar(server.url, ben.token, makePdf(), 'me.png');
    expect([pdf.status, pdf.body.error.code]).toEqual([415, 'unsupported_type']);
    const huge = await putAvatar(server.url, ben.token, Buffer.concat([await makePng(8, 8), Buffer.alloc(5 * 1024 * 1024 + 10)]));
    expect([huge.status, huge.body.error.code]).toEqual([413, 'too_large']);
    const none = await fetch(`${server.url}/api/me/avatar`, { method: 'PUT', body: new FormData(), headers: { authorization: `Bearer ${ben.token}` } });
    expect(none.status).toBe(400);
    expect((await server.api(ben.token).get('/api/me')).body.user.avatarUrl).toBeNull();
  });

  it('renames, sets a square avatar, and tells the people who share a chat, live', async () => {
    const [cat, dov, eve] = [await server.createUser({ name: 'Cat' }), await server.createUser({ name: 'Dov' }), await server.createUser({ name: 'Eve' })];
    expect((await server.api(cat.token).post('/api/chats/direct', { userId: dov.user.id })).status).toBe(201);
    const dovSocket = await server.connect(dov);
    const eveSocket = await server.connect(eve);

    const renamed = await server.api(cat.token).patch('/api/me', { name: '  Cat Stevens ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.user).toMatchObject({ id: cat.user.id, name: 'Cat Stevens', mustChangePassword: false });
    await dovSocket.waitFor(() => dovSocket.received('user:updated').some((p) => p.user.name === 'Cat Stevens'), 'the rename');

    const avatar = await putAvatar(server.url, cat.token, await makePng(300, 120));
    expect(avatar.status).toBe(200);
    const url = avatar.body.user.avatarUrl as string;
    expect(url).toMatch(new RegExp(`^/api/users/${cat.user.id}/avatar\\?v=`));
    await dovSocket.waitFor(() => dovSocket.received('user:updated').some((p) => p.user.avatarUrl === url), 'the new avatar');
    // Only people who share a chat hear it.
    expect(eveSocket.received('user:updated')).toEqual([]);

    const picture = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${eve.token}` } });
    expect([picture.status, picture.headers.get('content-type')]).toEqual([200, 'image/webp']);
    const meta = await sharp(Buffer.from(await picture.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([256, 256]);
    expect((await server.api(dov.token).get('/api/chats')).body.chats[0]).toMatchObject({ name: 'Cat Stevens' });
    expect((await server.api(eve.token).get(`/api/users/${eve.user.id}/avatar`)).status).toBe(404);
  });

  it('changes the password: other sessions end with session:ended, this one stays, the old password is refused', async () => {
    const fay = await server.createUser({ name: 'Fay' });
    const other = (await server.api().post('/api/auth/login', { email: fay.user.email, password: fay.password })).body.token as string;
    const otherSocket = await server.connect(other);
    const ownSocket = await server.connect(fay);
    const changed = await server.api(fay.token).post('/api/me/password', { currentPassword: fay.password, password: 'fay-new-password' });
    expect(changed.status).toBe(204);
    await otherSocket.waitFor(() => otherSocket.received('session:ended').length > 0, 'the other session to end');
    expect(otherSocket.received('session:ended')).toEqual([{ reason: 'password_reset' }]);
    expect((await server.api(other).get('/api/chats')).status).toBe(401);
    expect((await server.api(fay.token).get('/api/chats')).status).toBe(200);
    expect(ownSocket.socket.connected).toBe(true);
    expect((await server.api().post('/api/auth/login', { email: fay.user.email, password: fay.password })).status).toBe(401);
    expect((await server.api().post('/api/auth/login', { email: fay.user.email, password: 'fay-new-password' })).status).toBe(200);
  });
});

describe('one-time passwords', () => {
  const server = useTestServer();

  it('a generated password lets the person only choose a new one, then everything works', async () => {
    const admin = server.api(server.admin.token);
    const created = await admin.post('/api/admin/users', { email: 'gil@example.test', name: 'Gil' });
    expect(created.status).toBe(201);
    const oneTime = created.body.password as string;
    const login = await server.api().post('/api/auth/login', { email: 'gil@example.test', password: oneTime });
    expect(login.status).toBe(200);
    expect(login.body.user.mustChangePassword).toBe(true);
    const gil = server.api(login.body.token as string);

    for (const refused of [await gil.get('/api/chats'), await gil.get('/api/users'), await gil.patch('/api/me', { name: 'G' })]) {
      expect([refused.status, refused.body.error.code]).toEqual([403, 'password_change_required']);
    }
    await expect(connectSocket(server.url, login.body.token as string)).rejects.toThrow('password_change_required');
    expect((await gil.get('/api/me')).body.user).toMatchObject({ email: 'gil@example.test', mustChangePassword: true });

    expect((await gil.post('/api/me/password', { currentPassword: 'wrong-one-time', password: 'gils-own-password' })).status).toBe(403);
    expect((await gil.post('/api/me/password', { currentPassword: oneTime, password: 'gils-own-password' })).status).toBe(204);
    expect((await gil.get('/api/me')).body.user.mustChangePassword).toBe(false);
    expect((await gil.get('/api/chats')).status).toBe(200);
    (await connectSocket(server.url, login.body.token as string)).close();
    expect((await server.api().post('/api/auth/login', { email: 'gil@example.test', password: oneTime })).status).toBe(401);
  });

  it('an admin\'s generated reset is one-time too and ends the sessions; a chosen one is not', async () => {
    const hal = await server.createUser({ name: 'Hal' });
    const socket = await server.connect(hal);
    const reset = await server.api(server.admin.token).post(`/api/admin/users/${hal.user.id}/password`);
    expect(reset.status).toBe(200);
    await socket.waitFor(() => socket.received('session:ended').length > 0, 'the session to end');
    expect(socket.received('session:ended')).toEqual([{ reason: 'password_reset' }]);
    const login = await server.api().post('/api/auth/login', { email: hal.user.email, password: reset.body.password as string });
    expect(login.body.user.mustChangePassword).toBe(true);
    expect((await server.api(login.body.token as string).get('/api/chats')).status).toBe(403);

    const chosen = await server.api(server.admin.token).post(`/api/admin/users/${hal.user.id}/password`, { password: 'chosen-by-admin' });
    expect(chosen.status).toBe(200);
    const again = await server.api().post('/api/auth/login', { email: hal.user.email, password: 'chosen-by-admin' });
    expect(again.body.user.mustChangePassword).toBe(false);
  });

  it('the first admin\'s printed password is one-time; the operator\'s CHATFLOW_ADMIN_PASSWORD is not', async () => {
    expect((await server.api(server.admin.token).get('/api/me')).body.user.mustChangePassword).toBe(false);
    const { knex, config } = server.running.services;
    const firstStart = async (password: string | undefined) => {
      // A first start on an empty database, played inside a transaction that is rolled back.
      const trx = await knex.transaction();
      try {
        await trx('users').delete();
        await ensureFirstAdmin(trx, { ...config, admin: { email: 'first@example.test', password } }, createLogger('silent'));
        return ((await trx('users').where({ email: 'first@example.test' }).first('mustChangePassword')) as { mustChangePassword: boolean }).mustChangePassword;
      } finally {
        await trx.rollback();
      }
    };
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await firstStart(undefined)).toBe(true);
      expect(printed.mock.calls.some(([line]) => String(line).includes('one-time password'))).toBe(true);
      expect(await firstStart('operator-chosen')).toBe(false);
    } finally {
      printed.mockRestore();
    }
  });
});

describe('npm run admin -- reset-password', () => {
  it('gives the account a one-time password while the server is stopped, on the same database', async () => {
    const first = await startTestServer();
    try {
      const ivy = await first.createUser({ name: 'Ivy' });
      const { databaseUrl, dataDir } = first.running.services.config;
      await first.running.close();
      // The configured database: DATABASE_URL, or the embedded one in CHATFLOW_DATA_DIR.
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', CHATFLOW_DATA_DIR: dataDir };
      delete env.DATABASE_URL;
      if (databaseUrl) env.DATABASE_URL = databaseUrl;
      const run = (email: string) => promisify(execFile)('node', ['--import', 'tsx', 'admin/commands/admin-cli.ts', 'reset-password', email], { env });
      expect(await run('nobody@example.test').catch((error: { code: number; stderr: string }) => error)).toMatchObject({ code: 1, stderr: 'No account has the email nobody@example.test.\n' });
      const { stdout } = await run(ivy.user.email.toUpperCase());
      const password = /one-time password (\S+)/.exec(stdout)?.[1];
      expect(password).toBeDefined();

      const second = await startTestServer(databaseUrl ? { databaseUrl } : { env: { CHATFLOW_DATA_DIR: dataDir } });
      try {
        expect((await second.api(ivy.token).get('/api/chats')).status).toBe(401);
        expect((await second.api().post('/api/auth/login', { email: ivy.user.email, password: ivy.password })).status).toBe(401);
        const login = await second.api().post('/api/auth/login', { email: ivy.user.email, password });
        expect([login.status, login.body.user.mustChangePassword]).toEqual([200, true]);
        const entries = (await second.api(second.admin.token).get(`/api/admin/audit?action=user.password_reset&targetId=${ivy.user.id}`)).body.entries as { actor: unknown; details: { via?: string } }[];
        expect(entries).toMatchObject([{ actor: null, details: { via: 'cli' } }]);
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });
});

describe('invites made by members', () => {
  const server = useTestServer();
  const signup = (body: Record<string, unknown>) => server.api().post('/api/auth/signup', body);
  const setSettings = (patch: Record<string, unknown>) => server.api(server.admin.token).patch('/api/admin/settings', patch);

  it('refuses members until the admin allows it, then signs up exactly within uses and expiry', async () => {
    const jo = await server.createUser({ name: 'Jo' });
    const api = server.api(jo.token);
    expect((await server.api().post('/api/invites', { expiresInDays: 1, maxUses: 1 })).status).toBe(401);
    expect((await api.get('/api/invites')).body).toEqual({ allowed: false, invites: [] });
    expect((await api.post('/api/invites', { expiresInDays: 1, maxUses: 1 })).status).toBe(403);
    expect((await setSettings({ registration: 'invite' })).status).toBe(200);
    expect((await api.post('/api/invites', { expiresInDays: 1, maxUses: 1 })).status).toBe(403);
    expect((await setSettings({ membersMayInvite: 'yes' })).status).toBe(400);
    expect((await setSettings({ membersMayInvite: true })).body.settings.membersMayInvite).toBe(true);
    expect((await api.post('/api/invites', { expiresInDays: 0, maxUses: 1 })).body).toEqual(invalid('expiresInDays: at least 1'));

    const made = await api.post('/api/invites', { expiresInDays: 7, maxUses: 2 });
    expect(made.status).toBe(201);
    expect(made.body.url).toBe(`${server.url}/?invite=${made.body.token}`);
    const token = made.body.token as string;
    for (const n of [1, 2]) expect((await signup({ email: `guest${n}@example.test`, name: `Guest ${n}`, password: 'long-enough', invite: token })).status).toBe(201);
    expect((await signup({ email: 'guest3@example.test', name: 'Guest 3', password: 'long-enough', invite: token })).status).toBe(403);

    const expiring = (await api.post('/api/invites', { expiresInDays: 1, maxUses: 5 })).body;
    expect((await signup({ email: 'late1@example.test', name: 'Late', password: 'long-enough', invite: expiring.token })).status).toBe(201);
    await server.running.services.knex('invites').where({ id: expiring.invite.id }).update({ expiresAt: new Date(Date.now() - 1000) });
    expect((await signup({ email: 'late2@example.test', name: 'Late', password: 'long-enough', invite: expiring.token })).status).toBe(403);

    const mine = (await api.get('/api/invites')).body;
    expect(mine.allowed).toBe(true);
    expect(mine.invites.find((i: { id: string }) => i.id === made.body.invite.id)).toMatchObject({ uses: 2, maxUses: 2, createdBy: jo.user.id });
    // Someone else's link is not one's own to revoke.
    const other = await server.createUser({ name: 'Kim' });
    expect((await server.api(other.token).delete(`/api/invites/${made.body.invite.id}`)).status).toBe(404);
    expect((await api.delete(`/api/invites/${made.body.invite.id}`)).status).toBe(204);

    const audit = await server.api(server.admin.token).get('/api/admin/audit?limit=50&action=invite.create');
    expect(audit.body.entries.some((e: { actor: { id: string } | null; details: { by?: string } }) => e.actor?.id === jo.user.id && e.details.by === 'member')).toBe(true);
  });

  it('rate limits the links one member makes', async () => {
    expect((await setSettings({ registration: 'invite', membersMayInvite: true })).status).toBe(200);
    const lee = await server.createUser({ name: 'Lee' });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) statuses.push((await server.api(lee.token).post('/api/invites', { expiresInDays: 1, maxUses: 1 })).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('with registration "domain", sign-up refuses other domains', async () => {
    expect((await setSettings({ registration: 'domain', registrationDomain: 'team.example' })).status).toBe(200);
    const elsewhere = await signup({ email: 'mo@elsewhere.example', name: 'Mo', password: 'long-enough' });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'forbidden']);
    const subdomain = await signup({ email: 'mo@evil.team.example', name: 'Mo', password: 'long-enough' });
    expect(subdomain.status).toBe(403);
    const joined = await signup({ email: 'mo@team.example', name: 'Mo', password: 'long-enough' });
    expect([joined.status, joined.body.user.mustChangePassword]).toEqual([201, false]);
  });
});

describe('deactivated people', () => {
  const server = useTestServer();

  it('leave the directory, cannot be messaged directly, and keep their name on old messages', async () => {
    const [nia, oto] = [await server.createUser({ name: 'Nia' }), await server.createUser({ name: 'Oto Gone' })];
    const chat = (await server.api(nia.token).post('/api/chats/direct', { userId: oto.user.id })).body.chat.id as string;
    expect((await server.api(oto.token).post(`/api/chats/${chat}/messages`, { clientId: crypto.randomUUID(), body: 'before I go' })).status).toBe(201);
    const niaSocket = await server.connect(nia);
    expect((await server.api(server.admin.token).patch(`/api/admin/users/${oto.user.id}`, { status: 'deactivated' })).status).toBe(200);
    await niaSocket.waitFor(() => niaSocket.received('user:updated').some((p) => p.user.id === oto.user.id && p.user.status === 'deactivated'), 'the status change');

    const directory = (await server.api(nia.token).get('/api/users?query=Oto')).body.users as { id: string }[];
    expect(directory).toEqual([]);
    const dm = await server.api(nia.token).post('/api/chats/direct', { userId: oto.user.id });
    expect([dm.status, dm.body.error.code]).toEqual([409, 'user_deactivated']);
    const unknown = await server.api(nia.token).post('/api/chats/direct', { userId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
    const history = (await server.api(nia.token).get(`/api/chats/${chat}/messages`)).body.messages as { sender: { name: string } }[];
    expect(history.map((m) => m.sender.name)).toContain('Oto Gone');
    const members = (await server.api(nia.token).get('/api/chats')).body.chats[0].members as { user: { id: string; status: string } }[];
    expect(members.find((m) => m.user.id === oto.user.id)?.user.status).toBe('deactivated');
  });
});
