import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import { applyMessages, lastPosition, ordered, stateFromEvents, type ChatState, type PresentedMessage } from '../support/message-state.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { TestUser } from '../support/test-server.ts';

const server = useTestServer();

async function direct(a: TestUser, b: TestUser): Promise<string> {
  return (await server.api(a.token).post('/api/chats/direct', { userId: b.user.id })).body.chat.id as string;
}

async function group(owner: TestUser, members: TestUser[]): Promise<string> {
  const created = await server.api(owner.token).post('/api/chats/groups', { name: 'Team', memberIds: members.map((m) => m.user.id) });
  expect(created.status).toBe(201);
  return created.body.chat.id as string;
}

async function send(socket: TestSocket, chatId: string, body: string, extra: Record<string, unknown> = {}): Promise<string> {
  const ack = await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body, ...extra });
  expect(ack.ok, JSON.stringify(ack)).toBe(true);
  return ack.id as string;
}

async function lastSeqOf(chatId: string): Promise<number> {
  const row = (await server.running.services.knex('chats').where({ id: chatId }).first('lastSeq')) as { lastSeq: number };
  return row.lastSeq;
}

/** Waits until the socket has seen every entry of the chat. */
async function caughtUp(socket: TestSocket, chatId: string) {
  const last = await lastSeqOf(chatId);
  await socket.waitFor(() => lastPosition(socket, chatId) >= last, `entries up to ${last}`);
}

const reaction = (messageId: string, emoji: string) => `/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;

// A quote's excerpt is the replied-to message as it was presented; clients holding the original show
// it live (it arrives as message:updated), so views are compared on what the reply itself says.
const comparable = (messages: PresentedMessage[]) => messages.map((m) => ({ ...m, replyTo: m.replyTo ? { id: m.replyTo.id, sender: m.replyTo.sender } : null }));

describe('acting on messages: refusals', () => {
  it('answers 401 without a session', async () => {
    const anonymous = server.api();
    const id = randomUUID();
    expect((await anonymous.patch(`/api/messages/${id}`, { body: 'x' })).status).toBe(401);
    expect((await anonymous.delete(`/api/messages/${id}`)).status).toBe(401);
    expect((await anonymous.request('PUT', reaction(id, '👍'))).status).toBe(401);
    expect((await anonymous.delete(reaction(id, '👍'))).status).toBe(401);
  });

  it('answers 404 to a non-member on every action, through both doors, exactly like an unknown message', async () => {
    const [alice, bob, carol] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const chatId = await direct(alice, bob);
    const messageId = await send(await server.connect(alice), chatId, 'private words');
    const outsider = server.api(carol.token);
    for (const id of [messageId, randomUUID(), 'not-a-uuid']) {
      const answers = [
        await outsider.patch(`/api/messages/${id}`, { body: 'mine now' }),
        await outsider.delete(`/api/messages/${id}`),
        await outsider.request('PUT', reaction(id, '👍')),
        await outsider.delete(reaction(id, '👍')),
      ];
      for (const answer of answers) expect(answer.body).toEqual({ error: { code: 'not_found', message: 'Message not found.' } });
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    }
    const socket = await server.connect(carol);
    for (const [event, payload] of [
      ['message:edit', { messageId, body: 'mine now' }],
      ['message:delete', { messageId }],
      ['reaction:add', { messageId, emoji: '👍' }],
      ['reaction:remove', { messageId, emoji: '👍' }],
    ] as const) {
      expect(await socket.emitAck(event, payload)).toEqual({ ok: false, error: { code: 'not_found', message: 'Message not found.' } });
    }
    expect(await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'hi', replyToId: messageId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Nothing of it reached the log.
    expect(await lastSeqOf(chatId)).toBe(1);
  });

  it('answers 403 to an edit or delete by someone who is not the author, and lets group owners and admins delete', async () => {
    const [alice, bob, carol] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const dm = await direct(alice, bob);
    const inDm = await send(await server.connect(alice), dm, 'from alice');
    const bobApi = server.api(bob.token);
    expect(await bobApi.patch(`/api/messages/${inDm}`, { body: 'from bob' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'Only the author can edit a message.' } } });
    expect((await bobApi.delete(`/api/messages/${inDm}`)).status).toBe(403);
    const bobSocket = await server.connect(bob);
    expect(await bobSocket.emitAck('message:edit', { messageId: inDm, body: 'from bob' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bobSocket.emitAck('message:delete', { messageId: inDm })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const team = await group(alice, [bob, carol]);
    const byCarol = await send(await server.connect(carol), team, 'from carol');
    expect((await bobApi.delete(`/api/messages/${byCarol}`)).status).toBe(403);
    expect((await server.api(alice.token).patch(`/api/messages/${byCarol}`, { body: 'owner edit' })).status).toBe(403);
    expect((await server.api(alice.token).delete(`/api/messages/${byCarol}`)).status).toBe(204);
    const byBob = await send(bobSocket, team, 'from bob');
    const admin = server.api(server.admin.token);
    // An admin outside the group learns nothing of it; inside, an admin moderates like an owner.
    expect((await admin.delete(`/api/messages/${byBob}`)).status).toBe(404);
    await server.api(alice.token).post(`/api/chats/${team}/members`, { userIds: [server.admin.user.id] });
    // The notice is structured, with its plain sentence beside it.
    await expect.poll(async () => ((await bobApi.get(`/api/chats/${team}/messages`)).body.messages as PresentedMessage[]).filter((m) => m.kind === 'system').map((m) => m.event))
      .toEqual([{ type: 'member.added', actorId: alice.user.id, userIds: [server.admin.user.id] }]);
    expect((await admin.delete(`/api/messages/${byBob}`)).status).toBe(204);
    // Mentioning everyone is for owners and admins of groups.
    expect(await bobSocket.emitAck('message:send', { chatId: team, clientId: randomUUID(), body: 'hey all', mentions: ['all'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bobSocket.emitAck('message:send', { chatId: dm, clientId: randomUUID(), body: 'hey', mentions: ['here'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses malformed payloads on every new route and event with 400, and a reply into another chat', async () => {
    const [alice, bob] = [await server.createUser(), await server.createUser()];
    const chatId = await direct(alice, bob);
    const other = await group(alice, [bob]);
    const socket = await server.connect(alice);
    const messageId = await send(socket, chatId, 'hello');
    const api = server.api(alice.token);
    for (const body of [{}, { body: '' }, { body: '   ' }, { body: 42 }, { body: 'x'.repeat(8001) }, { body: 'ok', mentions: 'bob' }, { body: 'ok', mentions: ['nobody'] }]) {
      const answer = await api.patch(`/api/messages/${messageId}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_input');
    }
    expect((await api.request('PATCH', `/api/messages/${messageId}`, '{not json')).status).toBe(400);
    for (const emoji of ['two words', 'a\u0000b', 'x'.repeat(33), 'abcde', '%E0%A4%A']) {
      const path = emoji.startsWith('%') ? `/api/messages/${messageId}/reactions/${emoji}` : reaction(messageId, emoji);
      const answer = await api.request('PUT', path);
      expect(answer.status, emoji).toBe(400);
    }
    for (const [event, payload] of [
      ['message:edit', null],
      ['message:edit', 'hello'],
      ['message:edit', { messageId: 'x', body: 'b' }],
      ['message:edit', { messageId }],
      ['message:delete', {}],
      ['message:delete', { messageId: 7 }],
      ['reaction:add', { messageId }],
      ['reaction:add', { messageId, emoji: '' }],
      ['reaction:remove', { messageId, emoji: 'no way' }],
      ['message:send', { chatId, clientId: randomUUID(), body: 'x', replyToId: 'nope' }],
      ['message:send', { chatId, clientId: randomUUID(), body: 'x', mentions: [1] }],
    ] as const) {
      const ack = await socket.emitAck(event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
      expect(ack.error?.code).toBe('invalid_input');
    }
    // A reply must quote a message of the same chat.
    const elsewhere = await send(socket, other, 'in the group');
    expect(await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'x', replyToId: elsewhere })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'replyToId: not a message of this chat' },
    });
    expect((await api.post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), body: 'x', replyToId: randomUUID() })).status).toBe(400);
    // The socket survived all of it.
    expect(await socket.emitAck('reaction:add', { messageId, emoji: '👍' })).toEqual({ ok: true });
  });

  it('keeps at most 20 different emoji on a message, and honours the edit window', async () => {
    const [alice, bob] = [await server.createUser(), await server.createUser()];
    const chatId = await direct(alice, bob);
    const messageId = await send(await server.connect(alice), chatId, 'react to me');
    const emoji = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '🥲', '😚', '🙂'];
    for (const e of emoji) expect((await server.api(bob.token).request('PUT', reaction(messageId, e))).status).toBe(204);
    expect(await server.api(alice.token).request('PUT', reaction(messageId, '🤗'))).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    // An emoji already there takes another reactor.
    expect((await server.api(alice.token).request('PUT', reaction(messageId, '🙂'))).status).toBe(204);
    const page = await server.api(alice.token).get(`/api/chats/${chatId}/messages`);
    const message = (page.body.messages as PresentedMessage[]).find((m) => m.id === messageId)!;
    expect(message.reactions).toHaveLength(20);
    expect(message.reactions.at(-1)).toEqual({ emoji: '🙂', count: 2, me: true, userIds: [bob.user.id, alice.user.id] });

    const admin = server.api(server.admin.token);
    expect((await admin.patch('/api/admin/settings', { editWindowMinutes: 0 })).status).toBe(400);
    expect((await admin.patch('/api/admin/settings', { editWindowMinutes: 1 })).body.settings.editWindowMinutes).toBe(1);
    try {
      await server.running.services.knex('messages').where({ id: messageId }).update({ createdAt: new Date(Date.now() - 120_000) });
      expect(await server.api(alice.token).patch(`/api/messages/${messageId}`, { body: 'too late' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect((await server.api(alice.token).delete(`/api/messages/${messageId}`)).status).toBe(403);
    } finally {
      await admin.patch('/api/admin/settings', { editWindowMinutes: null });
    }
    expect((await server.api(alice.token).patch(`/api/messages/${messageId}`, { body: 'in time again' })).status).toBe(200);
  });
});

describe('membership decided by the database', () => {
  it('serves a socket whose rooms do not know a chat yet (created on another replica a moment ago)', async () => {
    const [alice, bob] = [await server.createUser(), await server.createUser()];
    const socket = await server.connect(alice);
    // Written straight to the database, as another replica would: no room was joined here.
    const knex = server.running.services.knex;
    const [chat] = (await knex('chats').insert({ kind: 'group', name: 'Elsewhere', createdBy: alice.user.id }).returning('id')) as { id: string }[];
    await knex('chatMembers').insert([{ chatId: chat!.id, userId: alice.user.id, role: 'owner' }, { chatId: chat!.id, userId: bob.user.id, role: 'member' }]);
    expect(socket.socket.connected).toBe(true);
    const sync = await socket.emitAck('chat:sync', { chats: { [chat!.id]: 0 } });
    expect(sync).toMatchObject({ ok: true, messages: [], notFound: [] });
    const id = await send(socket, chat!.id, 'first here');
    await socket.waitFor(() => socket.received('message:new').some((m: { id: string }) => m.id === id), 'its own message, now that it joined the room');
    // Someone who is not a member still learns nothing.
    const outsider = await server.connect(await server.createUser());
    expect(await outsider.emitAck('message:send', { chatId: chat!.id, clientId: randomUUID(), body: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await outsider.emitAck('chat:sync', { chats: { [chat!.id]: 0 } })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('mentions', () => {
  it('notify the mentioned even in a muted chat, count on the chat list until read, and @all reaches everyone', async () => {
    const [alice, bob, carol] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Carol' })];
    const chatId = await group(alice, [bob, carol]);
    expect((await server.api(bob.token).patch(`/api/chats/${chatId}/membership`, { muted: true })).status).toBe(200);
    const [aliceSocket, bobSocket, carolSocket] = [await server.connect(alice), await server.connect(bob), await server.connect(carol)];
    const outsider = await server.createUser();
    const toBob = await send(aliceSocket, chatId, 'hey Bob', { mentions: [bob.user.id, outsider.user.id, bob.user.id] });
    await carolSocket.waitFor(() => carolSocket.received('notification').length === 1, 'carol notified');
    await bobSocket.waitFor(() => bobSocket.received('notification').length === 1, 'bob notified although muted');
    expect(bobSocket.received('notification')[0]).toMatchObject({ chatId, messageId: toBob, mention: true });
    expect(carolSocket.received('notification')[0]).toMatchObject({ chatId, messageId: toBob, mention: false });
    const plain = await send(aliceSocket, chatId, 'nobody in particular');
    const everyone = await send(aliceSocket, chatId, 'everyone, look', { mentions: ['all'] });
    await bobSocket.waitFor(() => bobSocket.received('notification').length === 2, 'bob notified of @all');
    await carolSocket.waitFor(() => carolSocket.received('notification').length === 3, 'carol notified of all three');
    expect(bobSocket.received('notification').map((n: { messageId: string }) => n.messageId)).toEqual([toBob, everyone]);
    expect(carolSocket.received('notification').map((n: { mention: boolean }) => n.mention)).toEqual([false, false, true]);
    expect(aliceSocket.received('notification')).toHaveLength(0);

    const history = (await server.api(bob.token).get(`/api/chats/${chatId}/messages`)).body.messages as PresentedMessage[];
    expect(history.find((m) => m.id === toBob)).toMatchObject({ mentions: [bob.user.id], mentionAll: null });
    expect(history.find((m) => m.id === everyone)).toMatchObject({ mentions: [], mentionAll: 'all' });
    const countFor = async (user: TestUser) => ((await server.api(user.token).get('/api/chats')).body.chats as { id: string; mentionCount: number }[]).find((c) => c.id === chatId)!.mentionCount;
    expect([await countFor(alice), await countFor(bob), await countFor(carol)]).toEqual([0, 2, 1]);
    // A deleted mention no longer counts; reading past the others clears the badge.
    expect((await server.api(alice.token).delete(`/api/messages/${toBob}`)).status).toBe(204);
    expect(await countFor(bob)).toBe(1);
    const seq = (history.find((m) => m.id === plain)!).seq;
    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq })).status).toBe(204);
    expect(await countFor(bob)).toBe(1);
    expect((await server.api(bob.token).post(`/api/chats/${chatId}/read`, { seq: seq + 1 })).status).toBe(204);
    expect(await countFor(bob)).toBe(0);
  });
});

describe('acting on messages: everyone sees the same log', () => {
  async function scenario(kind: 'direct' | 'group') {
    const [alice, bob, carol] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' }), await server.createUser({ name: 'Carol' })];
    const chatId = kind === 'direct' ? await direct(alice, bob) : await group(alice, [bob, carol]);
    const members = kind === 'direct' ? [alice, bob] : [alice, bob, carol];
    const sockets = await Promise.all(members.map((m) => server.connect(m)));
    const [aliceSocket, bobSocket] = sockets as [TestSocket, TestSocket];
    // Bob's second device sees the start, then is offline during everything else.
    const laptop = await server.connect(bob);
    const first = await send(aliceSocket, chatId, 'first words');
    const second = await send(bobSocket, chatId, 'second words');
    await caughtUp(laptop, chatId);
    const laptopState: ChatState = stateFromEvents(laptop, chatId);
    const laptopPosition = lastPosition(laptop, chatId);
    laptop.close();

    const bobApi = server.api(bob.token);
    const aliceApi = server.api(alice.token);
    // Replies and mentions, through both doors.
    const replyBySocket = await send(bobSocket, chatId, 'replying @Alice', { replyToId: first, mentions: [alice.user.id] });
    const replyByRest = await bobApi.post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), body: 'and again', replyToId: second });
    expect(replyByRest.status).toBe(201);
    // Edits through both doors.
    const edited = await aliceSocket.emitAck('message:edit', { messageId: first, body: 'first words, fixed' });
    expect(edited).toMatchObject({ ok: true, message: { id: first, body: 'first words, fixed' } });
    expect((edited.message as PresentedMessage).editedAt).not.toBeNull();
    const restEdit = await bobApi.patch(`/api/messages/${second}`, { body: 'second words, fixed' });
    expect(restEdit).toMatchObject({ status: 200, body: { message: { id: second, body: 'second words, fixed' } } });
    // Reactions through both doors; a repeated add and a remove of nothing change nothing.
    expect((await bobApi.request('PUT', reaction(first, '👍'))).status).toBe(204);
    expect((await bobApi.request('PUT', reaction(first, '👍'))).status).toBe(204);
    expect(await aliceSocket.emitAck('reaction:add', { messageId: first, emoji: '👍' })).toEqual({ ok: true });
    expect(await aliceSocket.emitAck('reaction:add', { messageId: first, emoji: '🎉' })).toEqual({ ok: true });
    expect(await aliceSocket.emitAck('reaction:remove', { messageId: first, emoji: '🎉' })).toEqual({ ok: true });
    expect(await aliceSocket.emitAck('reaction:remove', { messageId: first, emoji: '🎉' })).toEqual({ ok: true });
    expect((await bobApi.request('PUT', reaction(second, '❤️'))).status).toBe(204);
    expect((await bobApi.delete(reaction(second, '❤️'))).status).toBe(204);
    // Deletions through both doors (the second one also takes a reply's quote away).
    const doomed = await send(aliceSocket, chatId, 'secret that must go');
    expect((await aliceApi.request('PUT', reaction(doomed, '🔥'))).status).toBe(204);
    expect((await aliceApi.delete(`/api/messages/${doomed}`)).status).toBe(204);
    expect((await aliceApi.delete(`/api/messages/${doomed}`)).status).toBe(204);
    expect(await bobSocket.emitAck('message:delete', { messageId: second })).toEqual({ ok: true });

    const last = await lastSeqOf(chatId);
    const entries = (await server.running.services.knex('entries').where({ chatId }).orderBy('seq').select('seq', 'type')) as { seq: number; type: string }[];
    // Repeated adds, removes of nothing and a second delete took no seq.
    expect(entries.map((e) => e.type)).toEqual([
      'message.created', 'message.created', 'message.created', 'message.created', 'message.edited', 'message.edited',
      'reaction.added', 'reaction.added', 'reaction.added', 'reaction.removed', 'reaction.added', 'reaction.removed',
      'message.created', 'reaction.added', 'message.deleted', 'message.deleted',
    ]);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(last).toBe(16);

    // Every member's socket heard every entry, exactly once each, in order.
    for (const socket of sockets) {
      await caughtUp(socket, chatId);
      const positions = socket.events
        .filter(({ event, payload }) => (event === 'message:new' || event === 'message:updated') && payload.chatId === chatId)
        .map(({ event, payload }) => (event === 'message:new' ? payload.seq : payload.updateSeq) as number);
      expect(positions).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    }

    // Bob's online view, his laptop catching up through chat:sync, and through REST afterSeq, agree.
    const online = ordered(stateFromEvents(bobSocket, chatId));
    const laptopAgain = await server.connect(bob);
    const sync = await laptopAgain.emitAck('chat:sync', { chats: { [chatId]: laptopPosition } });
    expect(sync).toMatchObject({ ok: true, hasMore: { [chatId]: false } });
    const synced = ordered(applyMessages(new Map(laptopState), sync.messages as PresentedMessage[]));
    const page = await bobApi.get(`/api/chats/${chatId}/messages?afterSeq=${laptopPosition}`);
    expect(page.status).toBe(200);
    const fetched = ordered(applyMessages(new Map(laptopState), page.body.messages as PresentedMessage[]));
    expect(comparable(synced)).toEqual(comparable(online));
    expect(comparable(fetched)).toEqual(comparable(online));
    // History after a reload shows the same, quotes included.
    const history = (await bobApi.get(`/api/chats/${chatId}/messages`)).body.messages as PresentedMessage[];
    expect(comparable(history)).toEqual(comparable(online));

    const byId = new Map(history.map((m) => [m.id, m]));
    expect(byId.get(first)).toMatchObject({ body: 'first words, fixed', reactions: [{ emoji: '👍', count: 2, me: true, userIds: [bob.user.id, alice.user.id] }] });
    expect(byId.get(replyBySocket)).toMatchObject({ mentions: [alice.user.id], replyTo: { id: first, sender: { id: alice.user.id, name: 'Alice' }, excerpt: 'first words, fixed' } });
    expect(byId.get(replyByRest.body.id as string)).toMatchObject({ replyTo: { id: second, sender: { id: bob.user.id, name: 'Bob' }, excerpt: '' } });
    for (const id of [doomed, second]) {
      expect(byId.get(id)).toMatchObject({ body: '', attachments: [], reactions: [], mentions: [] });
      expect(byId.get(id)!.deletedAt).not.toBeNull();
    }
    // `me` is each viewer's own, in broadcasts too.
    const aliceView = stateFromEvents(aliceSocket, chatId).get(first)!;
    expect(aliceView.reactions).toEqual([{ emoji: '👍', count: 2, me: true, userIds: [bob.user.id, alice.user.id] }]);
    if (kind === 'group') {
      const carolView = stateFromEvents(sockets[2]!, chatId).get(first)!;
      expect(carolView.reactions).toEqual([{ emoji: '👍', count: 2, me: false, userIds: [bob.user.id, alice.user.id] }]);
    }
    // The chat list preview follows: the last message is the deleted one, shown without its text.
    const chats = (await bobApi.get('/api/chats')).body.chats as { id: string; lastSeq: number; lastMessage: PresentedMessage }[];
    expect(chats.find((c) => c.id === chatId)).toMatchObject({ lastSeq: last, lastMessage: { id: doomed, body: '' } });

    // The deleted text is gone from the database, not only hidden.
    const knex = server.running.services.knex;
    const rows = (await knex('messages').whereIn('id', [doomed, second]).select('body', 'deletedAt')) as { body: string; deletedAt: Date | null }[];
    expect(rows.map((r) => r.body)).toEqual(['', '']);
    expect(rows.every((r) => r.deletedAt !== null)).toBe(true);
    expect(await knex('reactions').whereIn('messageId', [doomed, second]).count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
    const leftovers = await knex.raw<{ rows: unknown[] }>(`SELECT 1 FROM entries WHERE data::text LIKE '%secret%' OR data::text LIKE '%second words%'`);
    expect(leftovers.rows).toHaveLength(0);
  }

  it('in a direct chat, through REST and the socket', async () => {
    await scenario('direct');
  });

  it('in a group, through REST and the socket', async () => {
    await scenario('group');
  });
});
