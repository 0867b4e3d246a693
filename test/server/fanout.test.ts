import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_GROUP_MEMBERS } from '../../app/server/commands/chat-commands.ts';
import { EMBEDDED_MEMBERS_LIMIT } from '../../app/server/queries/chat-views.ts';
import { Api, type ApiResponse } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { TestUser } from '../support/test-server.ts';
import type { Message, Receipt } from '../support/wire-types.ts';

const server = useTestServer();
const knex = () => server.running.services.knex;
const PASSWORD = 'fanout-password-1';

/**
 * A stored hash with light scrypt parameters (the format names its own): signing in hundreds of
 * test accounts then costs milliseconds each, through the real sign-in path.
 */
function lightHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Many accounts at once, written straight to the users table, then signed in through the API. */
async function manyUsers(count: number, prefix: string): Promise<TestUser[]> {
  const passwordHash = lightHash(PASSWORD);
  const tag = randomUUID().slice(0, 8);
  const rows = Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}.${tag}@example.test`, name: `${prefix} ${String(i).padStart(4, '0')}`, passwordHash }));
  const inserted = (await knex()('users').insert(rows).returning(['id', 'email', 'name', 'role'])) as TestUser['user'][];
  const users: TestUser[] = [];
  for (let i = 0; i < inserted.length; i += 8) {
    const batch = inserted.slice(i, i + 8);
    users.push(
      ...(await Promise.all(
        batch.map(async (user) => {
          const login = await new Api(server.url).post('/api/auth/login', { email: user.email, password: PASSWORD });
          expect(login.status).toBe(200);
          return { user, token: login.body.token as string, password: PASSWORD };
        }),
      )),
    );
  }
  return users;
}

/**
 * Socket.IO keeps each socket's events in emit order, so once a socket has this later message,
 * everything the server emitted to it before has arrived too.
 */
async function barrier(sender: TestSocket, chatId: string, sockets: TestSocket[]): Promise<string> {
  const ack = await sender.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'barrier' });
  expect(ack.ok).toBe(true);
  for (const socket of sockets) await socket.waitFor(() => socket.received<Message>('message:new').some((m) => m.id === ack.id), 'barrier message');
  return ack.id as string;
}

/** The events a socket received before the given message arrived. */
function before(socket: TestSocket, messageId: string, event: string) {
  const cut = socket.events.findIndex((e) => e.event === 'message:new' && e.payload.id === messageId);
  return socket.events.slice(0, cut < 0 ? undefined : cut).filter((e) => e.event === event).map((e) => e.payload);
}

describe('group size cap', () => {
  it('refuses to add members past the cap with 409 group_full, and adds up to it', async () => {
    const owner = await server.createUser({ name: 'Cap owner' });
    const passwordHash = lightHash(PASSWORD);
    const tag = randomUUID().slice(0, 8);
    const rows = Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => ({ email: `cap${i}.${tag}@example.test`, name: `Cap ${i}`, passwordHash }));
    const ids = ((await knex()('users').insert(rows).returning('id')) as { id: string }[]).map((row) => row.id);
    const api = server.api(owner.token);
    const created = await api.post('/api/chats/groups', { name: 'Almost full', memberIds: ids.slice(0, MAX_GROUP_MEMBERS - 2) });
    expect(created.status).toBe(201);
    const chatId = created.body.chat.id as string;
    expect(created.body.chat.memberCount).toBe(MAX_GROUP_MEMBERS - 1);

    const over = await api.post(`/api/chats/${chatId}/members`, { userIds: ids.slice(MAX_GROUP_MEMBERS - 2, MAX_GROUP_MEMBERS) });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('group_full');
    expect(over.body.error.message).toContain(`at most ${MAX_GROUP_MEMBERS} members`);
    // Members already in do not count twice.
    const fits = await api.post(`/api/chats/${chatId}/members`, { userIds: [ids[0]!, ids[MAX_GROUP_MEMBERS - 2]!] });
    expect(fits.status).toBe(200);
    expect(fits.body.chat.memberCount).toBe(MAX_GROUP_MEMBERS);
    const full = await api.post(`/api/chats/${chatId}/members`, { userIds: [ids[MAX_GROUP_MEMBERS]!] });
    expect(full.status).toBe(409);
    const admin = await server.api(server.admin.token).post(`/api/admin/groups/${chatId}/members`, { userIds: [ids[MAX_GROUP_MEMBERS]!] });
    expect(admin.status).toBe(409);
    const [{ count }] = (await knex()('chatMembers').where({ chatId }).count('* as count')) as [{ count: number }];
    expect(Number(count)).toBe(MAX_GROUP_MEMBERS);
  });
});

describe('member lists of big groups', () => {
  it('embeds the first members and the count, and pages the rest to members only', async () => {
    const [owner, outsider] = [await server.createUser({ name: 'List owner' }), await server.createUser({ name: 'List outsider' })];
    const members = await manyUsers(EMBEDDED_MEMBERS_LIMIT + 30, 'Lister');
    const created = await server.api(owner.token).post('/api/chats/groups', { name: 'Big list', memberIds: members.map((m) => m.user.id) });
    const chatId = created.body.chat.id as string;
    expect(created.body.chat.memberCount).toBe(EMBEDDED_MEMBERS_LIMIT + 31);
    expect(created.body.chat.members).toHaveLength(EMBEDDED_MEMBERS_LIMIT);

    // A member beyond the embedded ones still sees their own watermarks and unread count.
    const last = members.at(-1)!;
    await server.api(owner.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), body: 'hello' });
    const mine = (await server.api(last.token).get('/api/chats')).body.chats.find((c: { id: string }) => c.id === chatId);
    expect(mine).toMatchObject({ memberCount: EMBEDDED_MEMBERS_LIMIT + 31, unreadCount: 1, readSeq: 0 });
    expect(mine.members).toHaveLength(EMBEDDED_MEMBERS_LIMIT);

    expect((await server.api().get(`/api/chats/${chatId}/members`)).status).toBe(401);
    expect((await server.api(outsider.token).get(`/api/chats/${chatId}/members`)).status).toBe(404);
    expect((await server.api(owner.token).get(`/api/chats/${randomUUID()}/members`)).status).toBe(404);
    expect((await server.api(owner.token).get(`/api/chats/${chatId}/members?limit=201`)).status).toBe(400);
    expect((await server.api(owner.token).get(`/api/chats/${chatId}/members?cursor=nope`)).status).toBe(400);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<{ members: { user: { id: string } }[]; nextCursor: string | null }> = await server.api(last.token).get(`/api/chats/${chatId}/members?limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.members.length).toBeLessThanOrEqual(40);
      seen.push(...page.body.members.map((m) => m.user.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(EMBEDDED_MEMBERS_LIMIT + 31);
    expect(new Set(seen)).toEqual(new Set([owner.user.id, ...members.map((m) => m.user.id)]));
  });

  it('keeps every member in direct chats and small groups', async () => {
    const [a, b, c] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const direct = await server.api(a.token).post('/api/chats/direct', { userId: b.user.id });
    expect(direct.body.chat).toMatchObject({ memberCount: 2, members: [expect.anything(), expect.anything()] });
    const group = await server.api(a.token).post('/api/chats/groups', { name: 'Small', memberIds: [b.user.id, c.user.id] });
    expect(group.body.chat.memberCount).toBe(3);
    expect(group.body.chat.members).toHaveLength(3);
  });
});

describe('receipts go to the authors a watermark moved past', () => {
  it('in a group of 200 with 200 sockets, one message and everyone’s receipts cost a linear number of emits', async () => {
    const users = await manyUsers(200, 'Crowd');
    const [owner, ...rest] = users;
    const sockets = await Promise.all(users.map((u) => server.connect(u)));
    const created = await server.api(owner!.token).post('/api/chats/groups', { name: 'Crowd', memberIds: rest.map((u) => u.user.id) });
    const chatId = created.body.chat.id as string;
    for (const socket of sockets) await socket.waitFor(() => socket.received('chat:created').some((e) => e.chat.id === chatId), 'chat:created');
    const [ownerSocket, ...memberSockets] = sockets;

    const sent = await ownerSocket!.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'hello, crowd' });
    const seq = Number(sent.seq ?? 1);
    // What the UI does on a new message in the open chat: delivered, then read.
    await Promise.all(
      memberSockets.map(async (socket) => {
        await socket.waitFor(() => socket.received<Message>('message:new').some((m) => m.id === sent.id), 'message');
        expect((await socket.emitAck('chat:delivered', { chatId, seq })).ok).toBe(true);
        expect((await socket.emitAck('chat:read', { chatId, seq })).ok).toBe(true);
      }),
    );
    const cut = await barrier(ownerSocket!, chatId, sockets);

    const counts = sockets.map((socket) => before(socket, cut, 'receipt').length);
    const total = counts.reduce((sum, n) => sum + n, 0);
    console.info(`receipt emits for one message in a group of 200: ${total} (whole-chat broadcast would be ~${2 * 199 * 200})`);
    expect(total).toBeLessThanOrEqual(3 * users.length);
    // The author hears every member's progress: what "seen by N" and the ticks are made of.
    const heard = new Map<string, Receipt>();
    for (const receipt of before(ownerSocket!, cut, 'receipt') as Receipt[]) if (receipt.chatId === chatId) heard.set(receipt.userId, receipt);
    for (const member of rest) expect(heard.get(member.user.id), member.user.name).toMatchObject({ deliveredSeq: seq, readSeq: seq });
    // Everyone else hears only the author's own receipt, which sending a message is.
    for (const socket of memberSockets) expect(before(socket, cut, 'receipt').length).toBeLessThanOrEqual(1);
  }, 180_000);

  it('tells exactly the authors passed, tells the peer in a direct chat, and stays quiet when nothing moved', async () => {
    const [ann, ben, cat] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' }), await server.createUser({ name: 'Cat' })];
    const [annSocket, benSocket, catSocket] = [await server.connect(ann), await server.connect(ben), await server.connect(cat)];
    const chatId = (await server.api(ann.token).post('/api/chats/groups', { name: 'Trio', memberIds: [ben.user.id, cat.user.id] })).body.chat.id as string;
    const send = async (socket: TestSocket, body: string) => Number((await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body })).seq);
    const fromBen = (socket: TestSocket, after?: string) =>
      (after ? before(socket, after, 'receipt') : socket.received('receipt')).filter((r: Receipt) => r.chatId === chatId && r.userId === ben.user.id) as Receipt[];

    await send(annSocket, 'from ann');
    const catSeq = await send(catSocket, 'from cat');
    expect((await benSocket.emitAck('chat:read', { chatId, seq: catSeq })).ok).toBe(true);
    await annSocket.waitFor(() => fromBen(annSocket).length === 1, 'Ann hears Ben read');
    await catSocket.waitFor(() => fromBen(catSocket).length === 1, 'Cat hears Ben read');

    const annSeq = await send(annSocket, 'ann again');
    expect((await benSocket.emitAck('chat:delivered', { chatId, seq: annSeq })).ok).toBe(true);
    // Unchanged watermarks: nobody hears anything.
    expect((await benSocket.emitAck('chat:read', { chatId, seq: catSeq })).ok).toBe(true);
    expect((await benSocket.emitAck('chat:delivered', { chatId, seq: annSeq })).ok).toBe(true);
    const cut = await barrier(annSocket, chatId, [annSocket, benSocket, catSocket]);
    expect(fromBen(annSocket, cut)).toEqual([
      { chatId, userId: ben.user.id, deliveredSeq: catSeq, readSeq: catSeq },
      { chatId, userId: ben.user.id, deliveredSeq: annSeq, readSeq: catSeq },
    ]);
    expect(fromBen(catSocket, cut)).toHaveLength(1);
    expect(before(benSocket, cut, 'receipt').filter((r: Receipt) => r.userId === ben.user.id)).toEqual([]);

    const directId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const dm = await annSocket.emitAck('message:send', { chatId: directId, clientId: randomUUID(), body: 'psst' });
    expect((await benSocket.emitAck('chat:read', { chatId: directId, seq: Number(dm.seq) })).ok).toBe(true);
    await annSocket.waitFor(() => annSocket.received<Receipt>('receipt').some((r) => r.chatId === directId && r.userId === ben.user.id && r.readSeq === Number(dm.seq)), 'peer receipt');
  });
});

describe('presence goes to people who share a chat', () => {
  it('reaches the sockets of chat partners only, and GET /api/presence lists only them', async () => {
    const crowd = await manyUsers(30, 'Watcher');
    const [partner, ...strangers] = crowd;
    const sockets = await Promise.all(crowd.map((u) => server.connect(u)));
    const [partnerSocket, ...strangerSockets] = sockets;
    const [friend, loner] = [await server.createUser({ name: 'Friend' }), await server.createUser({ name: 'Loner' })];
    const groupId = (await server.api(partner!.token).post('/api/chats/groups', { name: 'Watchers', memberIds: strangers.map((u) => u.user.id) })).body.chat.id as string;
    await server.api(friend.token).post('/api/chats/direct', { userId: partner!.user.id });

    const friendSocket = await server.connect(friend);
    const lonerSocket = await server.connect(loner);
    await partnerSocket!.waitFor(() => partnerSocket!.received('presence').some((p) => p.userId === friend.user.id && p.online), 'friend online');
    const cut = await barrier(partnerSocket!, groupId, sockets);
    for (const socket of strangerSockets) expect(before(socket, cut, 'presence').filter((p) => p.userId === friend.user.id || p.userId === loner.user.id)).toEqual([]);
    expect(before(partnerSocket!, cut, 'presence').filter((p) => p.userId === loner.user.id)).toEqual([]);

    const listed = async (who: TestUser) => ((await server.api(who.token).get('/api/presence')).body.presence as { userId: string }[]).map((p) => p.userId);
    expect(await listed(partner!)).toEqual(expect.arrayContaining([friend.user.id, partner!.user.id, strangers[0]!.user.id]));
    expect(await listed(partner!)).not.toContain(loner.user.id);
    expect(await listed(strangers[0]!)).not.toContain(friend.user.id);
    expect(await listed(loner)).toEqual([loner.user.id]);

    friendSocket.close();
    lonerSocket.close();
    await partnerSocket!.waitFor(() => partnerSocket!.received('presence').some((p) => p.userId === friend.user.id && !p.online), 'friend offline');
    const second = await barrier(partnerSocket!, groupId, sockets);
    for (const socket of strangerSockets) expect(before(socket, second, 'presence').filter((p) => p.userId === friend.user.id)).toEqual([]);
  });
});
