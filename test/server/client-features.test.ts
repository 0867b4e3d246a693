import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import type { TestUser } from '../support/test-server.ts';

const server = useTestServer();
const opened: TestSocket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.close();
});

const DERIVING = ['derived-notifications', 'derived-receipts'];

async function connectWith(who: TestUser, features: unknown): Promise<TestSocket> {
  const socket = await connectSocket(server.url, undefined, { auth: { token: who.token, features } });
  opened.push(socket);
  return socket;
}

async function send(socket: TestSocket, chatId: string, body: string, extra: Record<string, unknown> = {}): Promise<{ id: string; seq: number }> {
  const ack = await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body, ...extra });
  expect(ack).toMatchObject({ ok: true });
  return ack as unknown as { id: string; seq: number };
}

describe('client features declared at the handshake', () => {
  it('ignores unknown or malformed features: such a socket gets notifications and sender receipts as before', async () => {
    const [ann, ben] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' })];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const annSocket = await server.connect(ann);
    const sockets = [await connectWith(ben, 'derived-notifications'), await connectWith(ben, [42, { name: 'derived-receipts' }]), await connectWith(ben, ['no-such-feature'])];
    const sent = await send(annSocket, chatId, 'hello');
    for (const socket of sockets) {
      await socket.waitFor(() => socket.received('notification').some((n) => n.messageId === sent.id), 'the notification');
      await socket.waitFor(() => socket.received('receipt').some((r) => r.userId === ann.user.id && r.readSeq === sent.seq), "the sender's receipt");
    }
  });

  it('sends a deriving socket one frame per message, while the same user\'s other sockets keep every event', async () => {
    const [ann, ben] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' })];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const annSocket = await server.connect(ann);
    const [deriving, legacy] = [await connectWith(ben, DERIVING), await server.connect(ben)];
    const first = await send(annSocket, chatId, 'one');
    const reply = await send(deriving, chatId, 'two');
    // Ann reading Ben's reply moves her watermark: that receipt is not derivable and reaches Ben.
    expect(await annSocket.emitAck('chat:read', { chatId, seq: reply.seq })).toMatchObject({ ok: true });
    const annRead = (r: { userId: string; readSeq: number }) => r.userId === ann.user.id && r.readSeq === reply.seq;
    await deriving.waitFor(() => deriving.received('receipt').some(annRead), "Ann's read receipt");
    await legacy.waitFor(() => legacy.received('receipt').some(annRead), "Ann's read receipt on the other socket");

    expect(deriving.received('message:new').map((m) => m.id)).toEqual([first.id, reply.id]);
    expect(deriving.received('notification')).toEqual([]);
    expect(deriving.received('receipt')).toEqual([{ chatId, userId: ann.user.id, deliveredSeq: reply.seq, readSeq: reply.seq }]);
    expect(legacy.received('notification').map((n) => n.messageId)).toEqual([first.id]);
    expect(legacy.received('receipt')).toEqual(
      expect.arrayContaining([
        { chatId, userId: ann.user.id, deliveredSeq: first.seq, readSeq: first.seq },
        { chatId, userId: ben.user.id, deliveredSeq: reply.seq, readSeq: reply.seq },
      ]),
    );
  });

  it('still notifies a deriving socket of a mention in a chat whose room it is not in', async () => {
    const [ann, ben] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' })];
    const created = await server.api(ann.token).post('/api/chats/groups', { name: 'Mentions', memberIds: [ben.user.id] });
    const chatId = created.body.chat.id as string;
    expect((await server.api(ben.token).patch(`/api/chats/${chatId}/membership`, { muted: true })).status).toBe(200);
    const annSocket = await server.connect(ann);
    const deriving = await connectWith(ben, DERIVING);
    const inRoom = await send(annSocket, chatId, 'hi Ben', { mentions: [ben.user.id] });
    await deriving.waitFor(() => deriving.received('message:new').some((m) => m.id === inRoom.id), 'the mention as a message');
    // As when the chat was joined on another replica a moment ago: the socket is not in its room yet.
    const { io } = server.running.services.bus;
    io.in(`user:${ben.user.id}`).socketsLeave(`chat:${chatId}`);
    const outside = await send(annSocket, chatId, 'Ben, again', { mentions: [ben.user.id] });
    await deriving.waitFor(() => deriving.received('notification').some((n) => n.messageId === outside.id), 'the mention outside the room');
    expect(deriving.received('notification')).toEqual([expect.objectContaining({ chatId, messageId: outside.id, mention: true })]);
    expect(deriving.received('message:new').map((m) => m.id)).toEqual([inRoom.id]);
  });
});
