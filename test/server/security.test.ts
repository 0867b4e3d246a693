import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { TEST_SECRET, type TestUser } from '../support/test-server.ts';
import type { ChatSummary, Message, Receipt } from '../support/wire-types.ts';

const UNAUTHORIZED = { error: { code: 'unauthorized', message: 'Sign in to continue.' } };
const CHAT_NOT_FOUND = { error: { code: 'not_found', message: 'Chat not found.' } };

const server = useTestServer();
const { connect } = server;

/** The refusal a socket handshake gets with this token (or 'connected' when it is accepted). */
async function handshake(token: string): Promise<string> {
  try {
    const socket = await connectSocket(server.url, token);
    socket.close();
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Everything a socket received that concerns one chat. */
const eventsFor = (socket: TestSocket, chatId: string) =>
  socket.events.filter((e) => (e.payload as { chatId?: unknown } | undefined)?.chatId === chatId || (e.payload as { chat?: { id?: unknown } } | undefined)?.chat?.id === chatId);

const messagesIn = (socket: TestSocket, chatId: string) => socket.received<Message>('message:new').filter((m) => m.chatId === chatId && m.kind !== 'system');

/**
 * A round trip on this socket: the server answers it after everything it emitted before, so events
 * broadcast earlier have reached this socket (or never will).
 */
async function barrier(socket: TestSocket) {
  const ack = await socket.emitAck('chat:sync', { chats: {} });
  expect(ack.ok).toBe(true);
}

async function directChat(a: TestUser, b: TestUser): Promise<string> {
  const opened = await server.api(a.token).post('/api/chats/direct', { userId: b.user.id });
  expect([200, 201]).toContain(opened.status);
  return opened.body.chat.id as string;
}

async function group(owner: TestUser, members: TestUser[], name = 'Team'): Promise<string> {
  const created = await server.api(owner.token).post('/api/chats/groups', { name, memberIds: members.map((m) => m.user.id) });
  expect(created.status).toBe(201);
  return created.body.chat.id as string;
}

async function chatOf(user: TestUser, chatId: string): Promise<ChatSummary> {
  const list = await server.api(user.token).get('/api/chats');
  expect(list.status).toBe(200);
  const chat = (list.body.chats as ChatSummary[]).find((c) => c.id === chatId);
  if (!chat) throw new Error(`chat ${chatId} not listed for ${user.user.name}`);
  return chat;
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('the sender is the verified user', () => {
  it('ignores sender fields in a message:send payload', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const chatId = await directChat(alice, bob);
    const aliceSocket = await connect(alice);
    const bobSocket = await connect(bob);

    const ack = await aliceSocket.emitAck('message:send', {
      chatId,
      clientId: 'spoof-1',
      body: 'I am Bob, honest',
      senderId: bob.user.id,
      sender: { id: bob.user.id, name: 'Bob' },
      userId: bob.user.id,
      kind: 'system',
      seq: 999,
    });
    expect(ack).toMatchObject({ ok: true, clientId: 'spoof-1', id: expect.any(String) });

    await bobSocket.waitFor(() => messagesIn(bobSocket, chatId).length === 1, 'the message at Bob');
    const [received] = messagesIn(bobSocket, chatId);
    expect(received!.id).toBe(ack.id);
    expect(received!.sender).toEqual({ id: alice.user.id, name: 'Alice' });
    expect(received!.kind).toBe('text');
    expect(received!.seq).toBe(1);

    const history = await server.api(bob.token).get(`/api/chats/${chatId}/messages`);
    expect(history.status).toBe(200);
    expect((history.body.messages as Message[]).map((m) => m.sender.id)).toEqual([alice.user.id]);
  });

  it('ignores sender fields in a REST message and never lets one user reuse another one\'s clientId', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const chatId = await directChat(alice, bob);
    const sent = await server.api(alice.token).post(`/api/chats/${chatId}/messages`, { clientId: 'same-id', body: 'from alice', senderId: bob.user.id, sender: { id: bob.user.id } });
    expect(sent.status).toBe(201);
    const byBob = await server.api(bob.token).post(`/api/chats/${chatId}/messages`, { clientId: 'same-id', body: 'from bob' });
    expect(byBob.status).toBe(201);
    expect(byBob.body.id).not.toBe(sent.body.id);

    const history = await server.api(alice.token).get(`/api/chats/${chatId}/messages`);
    expect((history.body.messages as Message[]).map((m) => [m.sender.id, m.body])).toEqual([
      [alice.user.id, 'from alice'],
      [bob.user.id, 'from bob'],
    ]);
  });
});

describe('a chat is invisible to non-members', () => {
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let chatId: string;

  beforeAll(async () => {
    [alice, bob, mallory] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Mallory' })];
    chatId = await group(alice, [bob], 'Private');
    const first = await server.api(alice.token).post(`/api/chats/${chatId}/messages`, { clientId: 'first', body: 'secret plans' });
    expect(first.status).toBe(201);
  });

  it('answers every REST call of a non-member exactly like an unknown chat', async () => {
    const api = server.api(mallory.token);
    const unknownChat = randomUUID();
    const calls: [string, (id: string) => ReturnType<Api['get']>][] = [
      ['GET chat', (id) => api.get(`/api/chats/${id}`)],
      ['GET history', (id) => api.get(`/api/chats/${id}/messages`)],
      ['GET history after', (id) => api.get(`/api/chats/${id}/messages?afterSeq=0&limit=10`)],
      ['POST message', (id) => api.post(`/api/chats/${id}/messages`, { clientId: randomUUID(), body: 'let me in' })],
      ['POST read', (id) => api.post(`/api/chats/${id}/read`, { seq: 1 })],
      ['PATCH name', (id) => api.patch(`/api/chats/${id}`, { name: 'Mine now' })],
      ['POST members (self)', (id) => api.post(`/api/chats/${id}/members`, { userIds: [mallory.user.id] })],
      ['DELETE member', (id) => api.delete(`/api/chats/${id}/members/${bob.user.id}`)],
    ];
    for (const [name, call] of calls) {
      const hidden = await call(chatId);
      const missing = await call(unknownChat);
      expect({ name, status: hidden.status, body: hidden.body }).toEqual({ name, status: 404, body: CHAT_NOT_FOUND });
      expect({ name, status: missing.status, body: missing.body }).toEqual({ name, status: 404, body: CHAT_NOT_FOUND });
    }

    const list = await api.get('/api/chats');
    expect((list.body.chats as ChatSummary[]).map((c) => c.id)).not.toContain(chatId);
    // Nothing Mallory tried changed the chat.
    const chat = await chatOf(alice, chatId);
    expect(chat.name).toBe('Private');
    expect(chat.members.map((m) => m.user.id).sort()).toEqual([alice.user.id, bob.user.id].sort());
    const history = await server.api(alice.token).get(`/api/chats/${chatId}/messages`);
    expect((history.body.messages as Message[]).filter((m) => m.kind !== 'system').map((m) => m.body)).toEqual(['secret plans']);
  });

  it('refuses every socket event of a non-member with not_found', async () => {
    const socket = await connect(mallory);
    const refusals = [
      await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'let me in' }),
      await socket.emitAck('chat:read', { chatId, seq: 1 }),
      await socket.emitAck('chat:delivered', { chatId, seq: 1 }),
      await socket.emitAck('typing', { chatId, typing: true }),
      await socket.emitAck('chat:sync', { chats: { [chatId]: 0 } }),
    ];
    for (const ack of refusals) expect(ack).toEqual({ ok: false, error: { code: 'not_found', message: 'Chat not found.' } });

    const members = await Promise.all([alice, bob].map((u) => chatOf(u, chatId)));
    for (const view of members) expect(view.members.find((m) => m.user.id === mallory.user.id)).toBeUndefined();
    const history = await server.api(alice.token).get(`/api/chats/${chatId}/messages`);
    expect((history.body.messages as Message[]).filter((m) => m.kind !== 'system')).toHaveLength(1);
  });

  it('never delivers messages, receipts, typing or notifications of the chat to a connected non-member', async () => {
    const aliceSocket = await connect(alice);
    const bobSocket = await connect(bob);
    const mallorySocket = await connect(mallory);

    const sent = await aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'members only' });
    expect(sent.ok).toBe(true);
    await bobSocket.waitFor(() => messagesIn(bobSocket, chatId).some((m) => m.id === sent.id), 'message at Bob');
    await bobSocket.waitFor(() => bobSocket.received('notification').some((n) => n.chatId === chatId && n.messageId === sent.id), 'notification at Bob');

    const seq = messagesIn(bobSocket, chatId).find((m) => m.id === sent.id)!.seq;
    expect(await bobSocket.emitAck('chat:read', { chatId, seq })).toEqual({ ok: true });
    await aliceSocket.waitFor(() => aliceSocket.received<Receipt>('receipt').some((r) => r.chatId === chatId && r.userId === bob.user.id && r.readSeq === seq), 'receipt at Alice');

    await bobSocket.emitUntil('typing', { chatId, typing: true }, () => aliceSocket.received('typing').some((t) => t.chatId === chatId && t.userId === bob.user.id && t.typing === true), 'typing at Alice');

    await barrier(mallorySocket);
    expect(eventsFor(mallorySocket, chatId)).toEqual([]);
    expect(mallorySocket.received('message:new')).toEqual([]);
    expect(mallorySocket.received('notification')).toEqual([]);
    expect(mallorySocket.received('receipt')).toEqual([]);
    expect(mallorySocket.received('typing')).toEqual([]);
  });
});

describe('removing a member', () => {
  it('stops delivery to the removed member at once and tells them chat:removed', async () => {
    const [owner, bob, carol] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Carol' })];
    const chatId = await group(owner, [bob, carol], 'Shrinking');
    const [ownerSocket, bobSocket, carolSocket] = [await connect(owner), await connect(bob), await connect(carol)];

    const before = await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'before' });
    expect(before.ok).toBe(true);
    await carolSocket.waitFor(() => messagesIn(carolSocket, chatId).length === 1, 'message before removal at Carol');

    const removed = await server.api(owner.token).delete(`/api/chats/${chatId}/members/${carol.user.id}`);
    expect(removed.status).toBe(204);
    await carolSocket.waitFor(() => carolSocket.received('chat:removed').some((e) => e.chatId === chatId), 'chat:removed at Carol');
    expect(carolSocket.received('chat:removed')).toEqual([{ chatId }]);
    const seenBefore = eventsFor(carolSocket, chatId).length;

    const after = await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'after' });
    expect(after.ok).toBe(true);
    const restAfter = await server.api(bob.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), body: 'after, by REST' });
    expect(restAfter.status).toBe(201);
    await bobSocket.waitFor(() => messagesIn(bobSocket, chatId).length === 3, 'messages after removal at Bob');
    await bobSocket.emitUntil('typing', { chatId, typing: true }, () => ownerSocket.received('typing').some((t) => t.chatId === chatId), 'typing at the owner');
    await ownerSocket.waitFor(() => ownerSocket.received('notification').some((n) => n.messageId === restAfter.body.id), 'notification at the owner');

    await barrier(carolSocket);
    expect(eventsFor(carolSocket, chatId).slice(seenBefore)).toEqual([]);
    expect(messagesIn(carolSocket, chatId).map((m) => m.body)).toEqual(['before']);

    expect(await carolSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'still here?' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const history = await server.api(carol.token).get(`/api/chats/${chatId}/messages`);
    expect(history).toMatchObject({ status: 404, body: CHAT_NOT_FOUND });
  });

  it('lets a member leave, which also stops delivery', async () => {
    const [owner, dan] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Dan' })];
    const chatId = await group(owner, [dan], 'Leaving');
    const [ownerSocket, danSocket] = [await connect(owner), await connect(dan)];
    const left = await server.api(dan.token).delete(`/api/chats/${chatId}/members/${dan.user.id}`);
    expect(left.status).toBe(204);
    await danSocket.waitFor(() => danSocket.received('chat:removed').some((e) => e.chatId === chatId), 'chat:removed at Dan');
    const seenBefore = eventsFor(danSocket, chatId).length;
    const sent = await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'anyone?' });
    expect(sent.ok).toBe(true);
    await ownerSocket.waitFor(() => messagesIn(ownerSocket, chatId).some((m) => m.id === sent.id), 'own message at the owner');
    await barrier(danSocket);
    expect(eventsFor(danSocket, chatId).slice(seenBefore)).toEqual([]);
  });
});

describe('deactivation', () => {
  it('disconnects every socket of the user, refuses its token and its password', async () => {
    const dave = await server.createUser({ name: 'Dave' });
    const other = await server.createUser({ name: 'Other' });
    const chatId = await directChat(other, dave);
    const daveSockets = [await connect(dave), await connect(dave)];
    const disconnected = daveSockets.map((s) => new Promise<string>((resolve) => s.socket.once('disconnect', (reason) => resolve(reason))));
    const cookieApi = new Api(server.url);
    const cookie = { cookie: `chatflow_session=${dave.token}` };
    expect((await cookieApi.request('GET', '/api/me', undefined, cookie)).status).toBe(200);
    expect((await server.api(dave.token).get('/api/me')).status).toBe(200);

    const patched = await server.api(server.admin.token).patch(`/api/admin/users/${dave.user.id}`, { status: 'deactivated' });
    expect(patched.status).toBe(200);
    expect(patched.body.user).toMatchObject({ id: dave.user.id, status: 'deactivated' });

    // The server ends them: a disconnect packet, or the transport closing right behind it.
    for (const reason of await Promise.all(disconnected)) expect(reason).toMatch(/^(io server disconnect|transport close)$/);
    for (const socket of daveSockets) expect(socket.socket.connected).toBe(false);

    expect(await server.api(dave.token).get('/api/me')).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await cookieApi.request('GET', '/api/me', undefined, cookie)).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await server.api(dave.token).get(`/api/chats/${chatId}/messages`)).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await handshake(dave.token)).toBe('unauthorized');
    const login = await new Api(server.url).post('/api/auth/login', { email: dave.user.email, password: dave.password });
    expect(login).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    const directory = await server.api(other.token).get('/api/users?limit=100');
    expect((directory.body.users as { id: string }[]).map((u) => u.id)).not.toContain(dave.user.id);

    // Reactivation lets the password in again, but the ended sessions stay ended.
    const reactivated = await server.api(server.admin.token).patch(`/api/admin/users/${dave.user.id}`, { status: 'active' });
    expect(reactivated.status).toBe(200);
    expect((await server.api(dave.token).get('/api/me')).status).toBe(401);
    expect(await handshake(dave.token)).toBe('unauthorized');
    const again = await new Api(server.url).post('/api/auth/login', { email: dave.user.email, password: dave.password });
    expect(again.status).toBe(200);
    expect((await server.api(again.body.token as string).get('/api/me')).status).toBe(200);
  });
});

describe('tokens', () => {
  let eve: TestUser;
  let frank: TestUser;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    eve = await server.createUser({ name: 'Eve' });
    frank = await server.createUser({ name: 'Frank' });
    const [header, payload, signature] = eve.token.split('.') as [string, string, string];
    const claims = decodeJwt(eve.token);
    const key = new TextEncoder().encode(TEST_SECRET);
    const now = Math.floor(Date.now() / 1000);
    // Flip one character in the middle of the signature (the last one may only hold padding bits).
    const middle = Math.floor(signature.length / 2);
    const flipped = signature[middle] === 'A' ? 'B' : 'A';
    const sign = (input: { sub?: string; sid?: unknown; iss?: string; exp: number; secret?: string }) =>
      new SignJWT({ sid: input.sid ?? claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(input.sub ?? eve.user.id)
        .setIssuer(input.iss ?? 'chat-flow')
        .setIssuedAt(input.exp - 3600)
        .setExpirationTime(input.exp)
        .sign(input.secret ? new TextEncoder().encode(input.secret) : key);

    tokens = {
      'a flipped signature character': `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`,
      'a payload naming another user': `${header}.${base64urlJson({ ...claims, sub: frank.user.id })}.${signature}`,
      'a payload with a later expiry': `${header}.${base64urlJson({ ...claims, exp: now + 365 * 86_400 })}.${signature}`,
      'no signature': `${header}.${payload}.`,
      'alg none': `${base64urlJson({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'a signature by another secret': await sign({ exp: now + 3600, secret: 'another-secret-that-is-long-enough-for-hs256!!' }),
      'an expired token': await sign({ exp: now - 60 }),
      'a valid signature over another user with this session': await sign({ sub: frank.user.id, exp: now + 3600 }),
      'a valid signature over an unknown session': await sign({ sid: randomUUID(), exp: now + 3600 }),
      'a valid signature without a session': await sign({ sid: 42, exp: now + 3600 }),
      'a foreign issuer': await sign({ iss: 'someone-else', exp: now + 3600 }),
      'not a JWT at all': 'definitely-not-a-token',
    };
  });

  it('accepts the genuine token and one re-signed with the real secret (the forgeries below differ only as named)', async () => {
    expect((await server.api(eve.token).get('/api/me')).body.user.id).toBe(eve.user.id);
    expect(await handshake(eve.token)).toBe('connected');
    const claims = decodeJwt(eve.token);
    const resigned = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(eve.user.id)
      .setIssuer('chat-flow')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await server.api(resigned).get('/api/me')).body.user.id).toBe(eve.user.id);
    expect(await handshake(resigned)).toBe('connected');
  });

  it.each([
    'a flipped signature character',
    'a payload naming another user',
    'a payload with a later expiry',
    'no signature',
    'alg none',
    'a signature by another secret',
    'an expired token',
    'a valid signature over another user with this session',
    'a valid signature over an unknown session',
    'a valid signature without a session',
    'a foreign issuer',
    'not a JWT at all',
  ])('refuses %s on REST (401 unauthorized) and on the socket handshake', async (name) => {
    const token = tokens[name]!;
    expect(token).toBeTruthy();
    expect(await server.api(token).get('/api/me')).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await server.api(token).get('/api/chats')).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await new Api(server.url).request('GET', '/api/me', undefined, { cookie: `chatflow_session=${token}` })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await handshake(token)).toBe('unauthorized');
  });

  it('refuses a socket handshake without any identity', async () => {
    expect(await handshake('')).toBe('unauthorized');
    expect(await new Api(server.url).get('/api/me')).toMatchObject({ status: 401, body: UNAUTHORIZED });
  });

  it('revokes the token at logout, and only that session', async () => {
    const gina = await server.createUser({ name: 'Gina' });
    const second = await new Api(server.url).post('/api/auth/login', { email: gina.user.email, password: gina.password });
    expect(second.status).toBe(200);
    const secondToken = second.body.token as string;
    expect(await handshake(secondToken)).toBe('connected');

    const out = await server.api(secondToken).post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(await server.api(secondToken).get('/api/me')).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await handshake(secondToken)).toBe('unauthorized');
    // The first session is another session: still signed in.
    expect((await server.api(gina.token).get('/api/me')).status).toBe(200);
  });
});

describe('roles', () => {
  it('answers 403 to a non-admin on the admin API, and 401 to nobody', async () => {
    const user = await server.createUser({ name: 'Plain' });
    const api = server.api(user.token);
    const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'Only administrators can do that.' } } };
    expect(await api.get('/api/admin/users')).toMatchObject(forbidden);
    expect(await api.post('/api/admin/users', { email: 'sneaky@example.test', name: 'Sneaky', password: 'password-123' })).toMatchObject(forbidden);
    expect(await api.patch(`/api/admin/users/${user.user.id}`, { role: 'admin' })).toMatchObject(forbidden);
    expect(await api.patch(`/api/admin/users/${server.admin.user.id}`, { status: 'deactivated' })).toMatchObject(forbidden);
    expect(await new Api(server.url).get('/api/admin/users')).toMatchObject({ status: 401, body: UNAUTHORIZED });

    expect((await api.get('/api/me')).body.user.role).toBe('user');
    expect((await server.api(server.admin.token).get('/api/me')).body.user.status).toBe('active');
    const sneaky = await new Api(server.url).post('/api/auth/login', { email: 'sneaky@example.test', password: 'password-123' });
    expect(sneaky.status).toBe(401);
  });

  it('lets only the group owner rename the group and add or remove others', async () => {
    const [owner, member, outsider] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Member' }), await server.createUser({ name: 'Outsider' })];
    const chatId = await group(owner, [member], 'Original');
    const api = server.api(member.token);
    const forbidden = { status: 403, body: { error: { code: 'forbidden', message: 'Only the group owner can do that.' } } };
    expect(await api.patch(`/api/chats/${chatId}`, { name: 'Hijacked' })).toMatchObject(forbidden);
    expect(await api.post(`/api/chats/${chatId}/members`, { userIds: [outsider.user.id] })).toMatchObject(forbidden);
    expect(await api.delete(`/api/chats/${chatId}/members/${owner.user.id}`)).toMatchObject(forbidden);

    const chat = await chatOf(owner, chatId);
    expect(chat.name).toBe('Original');
    expect(chat.members.map((m) => m.user.id).sort()).toEqual([owner.user.id, member.user.id].sort());
    expect((await server.api(outsider.token).get(`/api/chats/${chatId}`)).status).toBe(404);

    const direct = await directChat(member, outsider);
    expect(await api.patch(`/api/chats/${direct}`, { name: 'Renamed' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });

    // The owner may.
    expect((await server.api(owner.token).patch(`/api/chats/${chatId}`, { name: 'Renamed' })).body.chat.name).toBe('Renamed');
  });
});

describe('login rate limiting', () => {
  const limited = useTestServer({ env: { CHATFLOW_LOGIN_ATTEMPTS: '3' } });

  it('answers 429 rate_limited from the 4th wrong attempt, even with the right password', async () => {
    const victim = await limited.createUser({ name: 'Victim' });
    const bystander = await limited.createUser({ name: 'Bystander' });
    const attempt = (password: string, email = victim.user.email) => new Api(limited.url).post('/api/auth/login', { email, password });
    for (let i = 0; i < 3; i++) {
      expect(await attempt(`wrong-${i}`)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'Wrong email or password.' } } });
    }
    const fourth = await attempt('wrong-3');
    expect(fourth).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(typeof fourth.body.error.message).toBe('string');
    expect(await attempt(victim.password)).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    // Email case does not open a new bucket.
    expect(await attempt(victim.password, victim.user.email.toUpperCase())).toMatchObject({ status: 429 });
    // Another account is not locked by it.
    expect((await attempt(bystander.password, bystander.user.email)).status).toBe(200);
  });
});

describe('unread counts and receipts', () => {
  it('counts unread messages for the receiver and clears them on read', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const chatId = await directChat(alice, bob);
    for (let i = 1; i <= 3; i++) {
      const sent = await server.api(alice.token).post(`/api/chats/${chatId}/messages`, { clientId: `u${i}`, body: `m${i}` });
      expect(sent.status).toBe(201);
      expect((await chatOf(bob, chatId)).unreadCount).toBe(i);
    }
    expect(await chatOf(bob, chatId)).toMatchObject({ lastSeq: 3, readSeq: 0, unreadCount: 3 });
    expect(await chatOf(alice, chatId)).toMatchObject({ lastSeq: 3, readSeq: 3, unreadCount: 0 });

    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq: 2 })).status).toBe(204);
    expect(await chatOf(bob, chatId)).toMatchObject({ readSeq: 2, unreadCount: 1 });
    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq: 1 })).status).toBe(204);
    expect(await chatOf(bob, chatId)).toMatchObject({ readSeq: 2, unreadCount: 1 });
    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq: 3 })).status).toBe(204);
    expect(await chatOf(bob, chatId)).toMatchObject({ readSeq: 3, unreadCount: 0 });
    // Reading past the end does not pre-read messages still to come.
    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq: 1000 })).status).toBe(204);
    expect(await chatOf(bob, chatId)).toMatchObject({ readSeq: 3, unreadCount: 0 });

    await server.api(alice.token).post(`/api/chats/${chatId}/messages`, { clientId: 'u4', body: 'm4' });
    expect(await chatOf(bob, chatId)).toMatchObject({ lastSeq: 4, readSeq: 3, unreadCount: 1 });
  });

  it('sends receipts with the watermarks to the other member, and never moves them backwards', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const chatId = await directChat(alice, bob);
    const [aliceSocket, bobSocket] = [await connect(alice), await connect(bob)];
    for (let i = 1; i <= 3; i++) expect((await aliceSocket.emitAck('message:send', { chatId, clientId: `r${i}`, body: `m${i}` })).ok).toBe(true);
    await bobSocket.waitFor(() => messagesIn(bobSocket, chatId).length === 3, 'three messages at Bob');
    const bobReceipts = () => aliceSocket.received<Receipt>('receipt').filter((r) => r.chatId === chatId && r.userId === bob.user.id);
    expect(bobReceipts()).toEqual([]);

    expect(await bobSocket.emitAck('chat:delivered', { chatId, seq: 2 })).toEqual({ ok: true });
    await aliceSocket.waitFor(() => bobReceipts().length === 1, 'delivered receipt');
    expect(bobReceipts()[0]).toEqual({ chatId, userId: bob.user.id, deliveredSeq: 2, readSeq: 0 });

    expect(await bobSocket.emitAck('chat:read', { chatId, seq: 3 })).toEqual({ ok: true });
    await aliceSocket.waitFor(() => bobReceipts().length === 2, 'read receipt');
    expect(bobReceipts()[1]).toEqual({ chatId, userId: bob.user.id, deliveredSeq: 3, readSeq: 3 });

    expect(await bobSocket.emitAck('chat:read', { chatId, seq: 1 })).toEqual({ ok: true });
    expect(await bobSocket.emitAck('chat:delivered', { chatId, seq: 1 })).toEqual({ ok: true });
    expect(await bobSocket.emitAck('chat:read', { chatId, seq: 0 })).toEqual({ ok: true });
    await barrier(aliceSocket);
    for (const receipt of bobReceipts().slice(2)) expect(receipt).toEqual({ chatId, userId: bob.user.id, deliveredSeq: 3, readSeq: 3 });
    const seen = bobReceipts();
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.readSeq).toBeGreaterThanOrEqual(seen[i - 1]!.readSeq);
      expect(seen[i]!.deliveredSeq).toBeGreaterThanOrEqual(seen[i - 1]!.deliveredSeq);
    }

    const view = await chatOf(alice, chatId);
    expect(view.members.find((m) => m.user.id === bob.user.id)).toMatchObject({ deliveredSeq: 3, readSeq: 3 });
    expect(await chatOf(bob, chatId)).toMatchObject({ readSeq: 3, unreadCount: 0 });
  });
});
