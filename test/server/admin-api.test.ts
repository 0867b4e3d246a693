import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer, type ServerFixture } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';
import type { Message } from '../support/wire-types.ts';

const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'Sign in to continue.' } };
const FORBIDDEN = { error: { code: 'forbidden', message: 'Only administrators can do that.' } };
const ARCHIVED = { code: 'forbidden', message: 'This group is archived.' };
const invalid = (message: string) => ({ error: { code: 'invalid_input', message } });
const notFound = (what: string) => ({ error: { code: 'not_found', message: `${what} not found.` } });

const MISSING = '00000000-0000-4000-8000-000000000000';

/** Every admin route with a body that would be valid, so only the caller decides the answer. */
const routes = (groupId: string, userId: string): [string, string, Record<string, unknown>?][] => [
  ['POST', `/api/admin/users/${userId}/password`, { password: 'a-new-password' }],
  ['GET', '/api/admin/groups'],
  ['POST', '/api/admin/groups', { name: 'G', memberIds: [userId] }],
  ['PATCH', `/api/admin/groups/${groupId}`, { name: 'Renamed' }],
  ['POST', `/api/admin/groups/${groupId}/members`, { userIds: [userId] }],
  ['DELETE', `/api/admin/groups/${groupId}/members/${userId}`],
  ['DELETE', `/api/admin/groups/${groupId}`],
  ['GET', '/api/admin/settings'],
  ['PATCH', '/api/admin/settings', { registration: 'invite' }],
  ['GET', '/api/admin/stats'],
  ['GET', '/api/admin/audit'],
];

async function createGroup(server: ServerFixture, name: string, members: TestUser[], ownerId?: string): Promise<string> {
  const created = await server.api(server.admin.token).post('/api/admin/groups', { name, memberIds: members.map((m) => m.user.id), ...(ownerId ? { ownerId } : {}) });
  expect(created.status).toBe(201);
  return created.body.chat.id as string;
}

async function directChat(server: ServerFixture, a: TestUser, b: TestUser): Promise<string> {
  const opened = await server.api(a.token).post('/api/chats/direct', { userId: b.user.id });
  expect(opened.status).toBe(201);
  return opened.body.chat.id as string;
}

async function auditActions(server: ServerFixture): Promise<string[]> {
  const page = await server.api(server.admin.token).get('/api/admin/audit?limit=200');
  expect(page.status).toBe(200);
  return (page.body.entries as { action: string }[]).map((e) => e.action);
}

describe('admin API refusals', () => {
  const server = useTestServer();

  it('answers 401 without a session and 403 to a non-admin on every route, changing nothing', async () => {
    const alice = await server.createUser({ name: 'Alice' });
    const groupId = await createGroup(server, 'Kept', [alice]);
    const before = await auditActions(server);
    for (const [method, path, body] of routes(groupId, alice.user.id)) {
      const anonymous = await server.api().request(method, path, body);
      expect([method, path, anonymous.status, anonymous.body]).toEqual([method, path, 401, UNAUTHORIZED]);
      const member = await server.api(alice.token).request(method, path, body);
      expect([method, path, member.status, member.body]).toEqual([method, path, 403, FORBIDDEN]);
    }
    expect(await auditActions(server)).toEqual(before);
    const still = await server.api(alice.token).get(`/api/chats/${groupId}`);
    expect(still.body.chat.name).toBe('Kept');
  });

  it('answers 400 with the documented message for malformed input', async () => {
    const admin = server.api(server.admin.token);
    const alice = await server.createUser();
    const groupId = await createGroup(server, 'Shapes', [alice]);
    const cases: [string, string, unknown, string][] = [
      ['POST', `/api/admin/users/${alice.user.id}/password`, { password: 'short' }, 'password: at least 8 characters'],
      ['POST', `/api/admin/users/${alice.user.id}/password`, { password: 'long-enough', extra: 1 }, 'Unrecognized key: "extra"'],
      ['POST', '/api/admin/groups', { name: '', memberIds: [alice.user.id] }, 'name: must not be empty'],
      ['POST', '/api/admin/groups', { name: 'x'.repeat(101), memberIds: [alice.user.id] }, 'name: at most 100 characters'],
      ['POST', '/api/admin/groups', { name: 'Nobody', memberIds: [] }, 'memberIds: a group needs at least one member or an ownerId'],
      ['POST', '/api/admin/groups', { name: 'Bad', memberIds: ['not-a-uuid'] }, 'memberIds.0: Invalid UUID'],
      ['POST', '/api/admin/groups', { name: 'Bad', memberIds: [alice.user.id], ownerId: 'me' }, 'ownerId: Invalid UUID'],
      ['PATCH', `/api/admin/groups/${groupId}`, {}, 'nothing to change'],
      ['PATCH', `/api/admin/groups/${groupId}`, { archived: 'yes' }, 'archived: Invalid input: expected boolean, received string'],
      ['POST', `/api/admin/groups/${groupId}/members`, { userIds: [] }, 'userIds: at least one'],
      ['GET', '/api/admin/groups?limit=0', undefined, 'limit: Too small: expected number to be >=1'],
      ['GET', '/api/admin/groups?cursor=nonsense', undefined, 'cursor: not a cursor this server returned'],
      ['PATCH', '/api/admin/settings', {}, 'nothing to change'],
      ['PATCH', '/api/admin/settings', { uploadMaxBytes: 0 }, 'uploadMaxBytes: at least 1'],
      ['PATCH', '/api/admin/settings', { uploadMaxBytes: 1.5 }, 'uploadMaxBytes: Invalid input: expected int, received number'],
      ['PATCH', '/api/admin/settings', { allowedUploadTypes: ['image/png', 'exe'] }, 'allowedUploadTypes.1: must be a media type such as "image/*" or "application/pdf"'],
      ['PATCH', '/api/admin/settings', { retentionDays: -1 }, 'retentionDays: 0 or more (0 or null keeps messages forever)'],
      ['PATCH', '/api/admin/settings', { registration: 'maybe' }, 'registration: Invalid option: expected one of "closed"|"invite"|"domain"'],
      ['PATCH', '/api/admin/settings', { theme: 'dark' }, 'Unrecognized key: "theme"'],
      ['GET', '/api/admin/audit?cursor=abc', undefined, 'cursor: not a cursor this server returned'],
      ['GET', '/api/admin/audit?actorId=someone', undefined, 'actorId: Invalid UUID'],
      ['GET', '/api/admin/audit?limit=201', undefined, 'limit: Too big: expected number to be <=200'],
    ];
    for (const [method, path, body, message] of cases) {
      const response = await admin.request(method, path, body as Record<string, unknown> | undefined);
      expect([method, path, response.status, response.body]).toEqual([method, path, 400, invalid(message)]);
    }
    expect(await auditActions(server)).not.toContain('settings.update');
  });

  it('answers 404 for unknown ids, and for direct chats on every group route', async () => {
    const admin = server.api(server.admin.token);
    const [alice, bob] = [await server.createUser(), await server.createUser()];
    const direct = await directChat(server, alice, bob);
    const groupId = await createGroup(server, 'Real', [alice]);
    for (const chatId of [MISSING, direct, 'not-a-uuid']) {
      const cases: [string, string, Record<string, unknown>?][] = [
        ['PATCH', `/api/admin/groups/${chatId}`, { archived: true }],
        ['POST', `/api/admin/groups/${chatId}/members`, { userIds: [bob.user.id] }],
        ['DELETE', `/api/admin/groups/${chatId}/members/${alice.user.id}`],
        ['DELETE', `/api/admin/groups/${chatId}`],
      ];
      for (const [method, path, body] of cases) {
        const response = await admin.request(method, path, body);
        expect([method, path, response.status, response.body]).toEqual([method, path, 404, notFound('Group')]);
      }
    }
    // The direct chat is untouched and still works.
    const sent = await server.api(alice.token).post(`/api/chats/${direct}/messages`, { clientId: 'still-1', body: 'hi' });
    expect(sent.status).toBe(201);

    expect((await admin.post(`/api/admin/users/${MISSING}/password`, {})).body).toEqual(notFound('User'));
    expect((await admin.post('/api/admin/users/nope/password', {})).status).toBe(404);
    expect((await admin.delete(`/api/admin/groups/${groupId}/members/${bob.user.id}`)).body).toEqual(notFound('Member'));
    expect((await admin.post(`/api/admin/groups/${groupId}/members`, { userIds: [MISSING] })).body).toEqual(notFound('User'));
    expect((await admin.post('/api/admin/groups', { name: 'Ghost', memberIds: [alice.user.id], ownerId: MISSING })).body).toEqual(notFound('User'));
    const groups = await admin.get('/api/admin/groups?limit=200');
    expect((groups.body.groups as { id: string }[]).map((g) => g.id)).not.toContain(direct);
  });
});

describe('admin password reset', () => {
  const server = useTestServer();

  it('sets the given password, ends the sessions and disconnects the sockets', async () => {
    const bob = await server.createUser({ name: 'Bob' });
    const socket = await server.connect(bob);
    const reset = await server.api(server.admin.token).post(`/api/admin/users/${bob.user.id}/password`, { password: 'brand-new-secret' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({});

    await socket.waitFor(() => !socket.socket.connected, 'the socket to be disconnected');
    expect((await server.api(bob.token).get('/api/chats')).status).toBe(401);
    expect((await server.api().post('/api/auth/login', { email: bob.user.email, password: bob.password })).status).toBe(401);
    const login = await server.api().post('/api/auth/login', { email: bob.user.email, password: 'brand-new-secret' });
    expect(login.status).toBe(200);
    expect((await server.api(login.body.token as string).get('/api/chats')).status).toBe(200);
  });

  it('generates a one-time password when none is given and returns it once', async () => {
    const carol = await server.createUser({ name: 'Carol' });
    const reset = await server.api(server.admin.token).post(`/api/admin/users/${carol.user.id}/password`);
    expect(reset.status).toBe(200);
    expect(Object.keys(reset.body as object)).toEqual(['password']);
    const password = reset.body.password as string;
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await server.api(carol.token).get('/api/chats')).status).toBe(401);
    expect((await server.api().post('/api/auth/login', { email: carol.user.email, password: carol.password })).status).toBe(401);
    expect((await server.api().post('/api/auth/login', { email: carol.user.email, password })).status).toBe(200);
  });
});

describe('admin group lifecycle', () => {
  const server = useTestServer();

  it('creates, renames, changes members, archives, reopens and deletes a group', async () => {
    const admin = server.api(server.admin.token);
    const [alice, bob, carol] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Carol' })];
    const aliceSocket = await server.connect(alice);
    const bobSocket = await server.connect(bob);

    // Without ownerId the first member owns the group; the admin is not a member.
    const created = await admin.post('/api/admin/groups', { name: 'Ops', memberIds: [alice.user.id, bob.user.id] });
    expect(created.status).toBe(201);
    const chatId = created.body.chat.id as string;
    expect(created.body.chat.kind).toBe('group');
    expect(created.body.chat.name).toBe('Ops');
    expect((created.body.chat.members as { user: { id: string }; role: string }[]).map((m) => [m.user.id, m.role])).toEqual([
      [alice.user.id, 'owner'],
      [bob.user.id, 'member'],
    ]);
    await bobSocket.waitFor(() => bobSocket.received('chat:created').some((p) => p.chat.id === chatId), 'chat:created');
    expect((await server.api(server.admin.token).get(`/api/chats/${chatId}`)).status).toBe(404);

    // With ownerId, that user owns it even when not listed among the members.
    const owned = await admin.post('/api/admin/groups', { name: 'Owned', memberIds: [alice.user.id], ownerId: carol.user.id });
    const roles = Object.fromEntries((owned.body.chat.members as { user: { id: string }; role: string }[]).map((m) => [m.user.id, m.role]));
    expect(roles).toEqual({ [carol.user.id]: 'owner', [alice.user.id]: 'member' });

    const renamed = await admin.patch(`/api/admin/groups/${chatId}`, { name: 'Operations' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.group).toMatchObject({ id: chatId, name: 'Operations', memberCount: 2, archivedAt: null });
    await aliceSocket.waitFor(() => aliceSocket.received('chat:updated').some((p) => p.chat.name === 'Operations'), 'rename');

    const added = await admin.post(`/api/admin/groups/${chatId}/members`, { userIds: [carol.user.id] });
    expect(added.body.group.memberCount).toBe(3);
    expect((await admin.delete(`/api/admin/groups/${chatId}/members/${bob.user.id}`)).status).toBe(204);
    await bobSocket.waitFor(() => bobSocket.received('chat:removed').some((p) => p.chatId === chatId), 'chat:removed for bob');
    expect((await server.api(bob.token).get(`/api/chats/${chatId}`)).status).toBe(404);

    // Membership notices from an admin outside the group are in the chat's log.
    await aliceSocket.waitFor(() => aliceSocket.received<Message>('message:new').filter((m) => m.chatId === chatId && m.kind === 'system').length === 3, 'notices');
    expect(aliceSocket.received<Message>('message:new').filter((m) => m.chatId === chatId).map((m) => m.body)).toEqual([
      `${server.admin.user.name} renamed the group to "Operations"`,
      `${server.admin.user.name} added Carol`,
      `${server.admin.user.name} removed Bob`,
    ]);

    const archived = await admin.patch(`/api/admin/groups/${chatId}`, { archived: true });
    expect(archived.body.group.archivedAt).toEqual(expect.any(String));
    const refusedSocket = await aliceSocket.emitAck('message:send', { chatId, clientId: 'archived-1', body: 'anyone?' });
    expect(refusedSocket).toEqual({ ok: false, error: ARCHIVED });
    const refusedRest = await server.api(carol.token).post(`/api/chats/${chatId}/messages`, { clientId: 'archived-2', body: 'hello?' });
    expect([refusedRest.status, refusedRest.body]).toEqual([403, { error: ARCHIVED }]);
    // History stays readable while archived.
    expect((await server.api(alice.token).get(`/api/chats/${chatId}/messages`)).status).toBe(200);

    const reopened = await admin.patch(`/api/admin/groups/${chatId}`, { archived: false });
    expect(reopened.body.group.archivedAt).toBeNull();
    const allowed = await aliceSocket.emitAck('message:send', { chatId, clientId: 'reopened-1', body: 'back' });
    expect(allowed).toMatchObject({ ok: true, seq: expect.any(Number) });
    expect((await server.api(carol.token).post(`/api/chats/${chatId}/messages`, { clientId: 'reopened-2', body: 'yes' })).status).toBe(201);

    const listed = await admin.get('/api/admin/groups?query=operat');
    expect(listed.body).toEqual({
      groups: [{ id: chatId, name: 'Operations', memberCount: 2, owner: { id: expect.any(String), name: expect.any(String) }, lastMessageAt: expect.any(String), archivedAt: null, createdAt: expect.any(String) }],
      nextCursor: null,
    });

    expect((await admin.delete(`/api/admin/groups/${chatId}`)).status).toBe(204);
    await aliceSocket.waitFor(() => aliceSocket.received('chat:removed').some((p) => p.chatId === chatId), 'chat:removed for alice');
    expect((await server.api(alice.token).get(`/api/chats/${chatId}`)).status).toBe(404);
    expect((await server.api(carol.token).get(`/api/chats/${chatId}/messages`)).status).toBe(404);
    expect((await admin.patch(`/api/admin/groups/${chatId}`, { name: 'Again' })).body).toEqual(notFound('Group'));
    expect((await admin.delete(`/api/admin/groups/${chatId}`)).status).toBe(404);
    const after = await admin.get('/api/admin/groups?query=operat');
    expect(after.body.groups).toEqual([]);
  });

  it('pages groups by name without gaps or repeats', async () => {
    const admin = server.api(server.admin.token);
    const dave = await server.createUser({ name: 'Dave' });
    for (const name of ['Page E', 'page b', 'Page D', 'Page A', 'Page C']) await createGroup(server, name, [dave]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin.get(`/api/admin/groups?query=page&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.groups as { name: string }[]).map((g) => g.name));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['Page A', 'page b', 'Page C', 'Page D', 'Page E']);
  });
});

describe('admin settings', () => {
  const server = useTestServer();

  it('starts from the defaults, applies partial changes and returns them all', async () => {
    const admin = server.api(server.admin.token);
    const initial = await admin.get('/api/admin/settings');
    expect(initial.status).toBe(200);
    expect(initial.body.settings).toMatchObject({ uploadMaxBytes: 26_214_400, retentionDays: null, registration: 'closed' });
    expect(initial.body.settings.allowedUploadTypes).toEqual(expect.arrayContaining(['image/*', 'video/*', 'audio/*', 'application/pdf', 'text/plain']));

    const changed = await admin.patch('/api/admin/settings', { uploadMaxBytes: 1_048_576, retentionDays: 30, allowedUploadTypes: ['IMAGE/PNG', 'image/png', 'application/pdf'] });
    expect(changed.status).toBe(200);
    const expected = { uploadMaxBytes: 1_048_576, allowedUploadTypes: ['image/png', 'application/pdf'], retentionDays: 30, registration: 'closed', registrationDomain: null, sessionDays: null, editWindowMinutes: null, builtInAccounts: true, membersMayInvite: false };
    // The link preview settings keep their defaults throughout.
    Object.assign(expected, { linkPreviews: true, linkPreviewAllowHosts: [], linkPreviewDenyHosts: [], linkPreviewPorts: [] });
    expect(changed.body).toEqual({ settings: expected });
    expect((await admin.get('/api/admin/settings')).body).toEqual({ settings: expected });

    const forever = await admin.patch('/api/admin/settings', { retentionDays: null, registration: 'invite' });
    expect(forever.body.settings).toEqual({ ...expected, retentionDays: null, registration: 'invite' });
    expect(await server.running.services.settings.get()).toEqual({ ...expected, retentionDays: null, registration: 'invite' });
  });
});

describe('admin stats', () => {
  const server = useTestServer();

  it('counts users, chats, messages per day, storage and who is online', async () => {
    const admin = server.api(server.admin.token);
    const { knex } = server.running.services;
    const [alice, bob, carol] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Carol' })];
    expect((await admin.patch(`/api/admin/users/${carol.user.id}`, { status: 'deactivated' })).status).toBe(200);
    expect((await admin.patch(`/api/admin/users/${bob.user.id}`, { role: 'admin' })).status).toBe(200);
    const direct = await directChat(server, alice, bob);
    const groupId = await createGroup(server, 'Stats', [alice, bob]);
    await createGroup(server, 'Other', [bob]);
    for (let i = 0; i < 3; i += 1) expect((await server.api(alice.token).post(`/api/chats/${direct}/messages`, { clientId: `d-${i}`, body: 'x' })).status).toBe(201);
    for (let i = 0; i < 2; i += 1) expect((await server.api(bob.token).post(`/api/chats/${groupId}/messages`, { clientId: `g-${i}`, body: 'y' })).status).toBe(201);
    // A system notice (not counted) and older messages: 3 days ago counts, 40 days ago is out of range.
    expect((await admin.patch(`/api/admin/groups/${groupId}`, { name: 'Stats 2' })).status).toBe(200);
    const day = 86_400_000;
    await knex('messages').insert([
      { id: randomUUID(), chatId: direct, seq: 1001, senderId: alice.user.id, clientId: 'old-1', body: 'old', createdAt: new Date(Date.now() - 3 * day) },
      { id: randomUUID(), chatId: direct, seq: 1002, senderId: alice.user.id, clientId: 'old-2', body: 'old', createdAt: new Date(Date.now() - 3 * day) },
      { id: randomUUID(), chatId: direct, seq: 1003, senderId: alice.user.id, clientId: 'older', body: 'old', createdAt: new Date(Date.now() - 40 * day) },
    ]);
    await knex('attachments').insert([
      { uploaderId: alice.user.id, kind: 'file', name: 'a.pdf', mime: 'application/pdf', size: 1000, storageKey: 'a' },
      { uploaderId: bob.user.id, kind: 'image', name: 'b.png', mime: 'image/png', size: 2345, storageKey: 'b' },
    ]);
    await server.connect(alice);

    const stats = await admin.get('/api/admin/stats');
    expect(stats.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const threeDaysAgo = new Date(Date.now() - 3 * day).toISOString().slice(0, 10);
    const days = stats.body.messagesPerDay as { day: string; count: number }[];
    expect(days).toHaveLength(30);
    expect(days[29]).toEqual({ day: today, count: 5 });
    expect(days[26]).toEqual({ day: threeDaysAgo, count: 2 });
    expect(days[0]!.day).toBe(new Date(Date.now() - 29 * day).toISOString().slice(0, 10));
    expect(days.reduce((sum, d) => sum + d.count, 0)).toBe(7);
    const active = stats.body.activePeoplePerDay as { day: string; count: number }[];
    expect([active.length, active[29], active[26], active.reduce((sum, d) => sum + d.count, 0)]).toEqual([30, { day: today, count: 2 }, { day: threeDaysAgo, count: 1 }, 3]);
    expect(stats.body.databaseBytes).toBeGreaterThan(1_000_000);
    expect({ ...stats.body, messagesPerDay: undefined, activePeoplePerDay: undefined, databaseBytes: undefined }).toEqual({
      users: { total: 4, active: 3, deactivated: 1, admins: 2 },
      onlineNow: 1,
      messagesPerDay: undefined,
      activePeoplePerDay: undefined,
      databaseBytes: undefined,
      chats: { direct: 1, groups: 2 },
      storageBytes: 3345,
      logLag: 0,
    });
  });
});

describe('admin audit log', () => {
  const server = useTestServer();

  it('records every admin write, newest first, and pages without gaps or repeats', async () => {
    const admin = server.api(server.admin.token);
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    expect((await admin.post(`/api/admin/users/${alice.user.id}/password`, { password: 'another-password' })).status).toBe(200);
    const groupId = await createGroup(server, 'Audited', [alice]);
    expect((await admin.patch(`/api/admin/groups/${groupId}`, { name: 'Audited 2', archived: true })).status).toBe(200);
    // Setting the state it already has writes nothing, so nothing is recorded.
    expect((await admin.patch(`/api/admin/groups/${groupId}`, { archived: true })).status).toBe(200);
    expect((await admin.patch(`/api/admin/groups/${groupId}`, { archived: false })).status).toBe(200);
    expect((await admin.post(`/api/admin/groups/${groupId}/members`, { userIds: [bob.user.id] })).status).toBe(200);
    expect((await admin.delete(`/api/admin/groups/${groupId}/members/${bob.user.id}`)).status).toBe(204);
    expect((await admin.patch('/api/admin/settings', { registration: 'invite' })).status).toBe(200);
    expect((await admin.delete(`/api/admin/groups/${groupId}`)).status).toBe(204);

    const all = await admin.get('/api/admin/audit?limit=200');
    expect(all.status).toBe(200);
    const entries = all.body.entries as { id: number; action: string; actor: unknown; targetType: string; targetId: string; details: Record<string, unknown>; ip: string; createdAt: string }[];
    expect(entries.map((e) => e.action)).toEqual([
      'group.delete',
      'settings.update',
      'group.members.remove',
      'group.members.add',
      'group.unarchive',
      'group.archive',
      'group.rename',
      'group.create',
      'user.password_reset',
      'user.create',
      'user.create',
      // The first admin, created at start by the server itself.
      'user.create',
    ]);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.entries[11]).toMatchObject({ actor: null, targetId: server.admin.user.id, ip: null });
    const ids = entries.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(entries[0]).toEqual({
      id: expect.any(Number),
      actor: { id: server.admin.user.id, name: server.admin.user.name },
      action: 'group.delete',
      targetType: 'chat',
      targetId: groupId,
      details: { name: 'Audited 2', memberCount: 1 },
      ip: expect.any(String),
      createdAt: expect.any(String),
    });
    expect(entries[1]).toMatchObject({ targetType: 'settings', targetId: null, details: { registration: 'invite' } });
    expect(entries[8]).toMatchObject({ targetType: 'user', targetId: alice.user.id, details: { generated: false } });
    expect(JSON.stringify(entries)).not.toContain('another-password');

    const paged: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await admin.get(`/api/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...(page.body.entries as { id: number }[]).map((e) => e.id));
      cursor = page.body.nextCursor as string | null;
      pages += 1;
    } while (cursor);
    expect(paged).toEqual(ids);
    expect(pages).toBe(4);

    const filtered = await admin.get('/api/admin/audit?action=user.create');
    expect((filtered.body.entries as { targetId: string }[]).map((e) => e.targetId)).toEqual([bob.user.id, alice.user.id, server.admin.user.id]);
    expect((await admin.get(`/api/admin/audit?actorId=${alice.user.id}`)).body).toEqual({ entries: [], nextCursor: null });
    expect((await admin.get(`/api/admin/audit?actorId=${server.admin.user.id}&limit=200`)).body.entries).toHaveLength(11);
  });
});
