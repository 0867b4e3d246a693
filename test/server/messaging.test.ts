import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { Message } from '../support/wire-types.ts';

const server = useTestServer();
const { connect } = server;

const messagesIn = (socket: TestSocket, chatId: string) => socket.received<Message>('message:new').filter((m) => m.chatId === chatId && m.kind !== 'system');

function expectContiguous(messages: Message[]) {
  const seqs = messages.map((m) => m.seq);
  const first = seqs[0] ?? 1;
  expect(seqs).toEqual(seqs.map((_, i) => first + i));
}

describe('messages between members', () => {
  it('delivers every direct message exactly once, in seq order, to both sides', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const aliceSocket = await connect(alice);
    const bobSocket = await connect(bob);
    const opened = await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id });
    expect(opened.status).toBe(201);
    const chatId = opened.body.chat.id as string;
    expect(opened.body.chat.name).toBe('Bob');
    await bobSocket.waitFor(() => bobSocket.received('chat:created').length === 1, 'chat:created');

    const sends = [];
    for (let i = 0; i < 10; i++) {
      const from = i % 2 === 0 ? aliceSocket : bobSocket;
      sends.push(from.emitAck('message:send', { chatId, clientId: randomUUID(), body: `hello ${i}` }));
    }
    const acks = await Promise.all(sends);
    for (const ack of acks) expect(ack).toMatchObject({ ok: true, id: expect.any(String) });

    for (const socket of [aliceSocket, bobSocket]) {
      await socket.waitFor(() => messagesIn(socket, chatId).length >= 10, 'ten messages');
      const messages = messagesIn(socket, chatId);
      expect(messages).toHaveLength(10);
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(messages.map((m) => m.id)).size).toBe(10);
    }
    const again = await server.api(bob.token).post('/api/chats/direct', { userId: alice.user.id });
    expect(again.status).toBe(200);
    expect(again.body.chat.id).toBe(chatId);
    expect(again.body.chat.name).toBe('Alice');
  });

  it('delivers every group message to all three members with the sender taken from the token', async () => {
    const users = [await server.createUser({ name: 'Carol' }), await server.createUser({ name: 'Dan' }), await server.createUser({ name: 'Erin' })];
    const socketsOf = await Promise.all(users.map(connect));
    const created = await server.api(users[0]!.token).post('/api/chats/groups', { name: 'Project', memberIds: [users[1]!.user.id, users[2]!.user.id] });
    expect(created.status).toBe(201);
    const chatId = created.body.chat.id as string;
    expect(created.body.chat.members).toHaveLength(3);

    const acks = await Promise.all(
      socketsOf.flatMap((socket, u) =>
        Array.from({ length: 5 }, (_, i) => socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: `m${u}-${i}`, sender: { id: users[0]!.user.id } })),
      ),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    for (const socket of socketsOf) {
      await socket.waitFor(() => messagesIn(socket, chatId).length >= 15, 'fifteen messages');
      const messages = messagesIn(socket, chatId);
      expect(messages).toHaveLength(15);
      expectContiguous(messages);
      for (const message of messages) {
        const author = users[Number(message.body.slice(1, 2))]!;
        expect(message.sender.id).toBe(author.user.id);
      }
    }
    const history = await server.api(users[2]!.token).get(`/api/chats/${chatId}/messages?limit=200`);
    expect(history.status).toBe(200);
    const seqs = (history.body.messages as Message[]).map((m) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
