import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { Message } from '../support/wire-types.ts';

const server = useTestServer();
const { connect } = server;

async function sendMany(socket: TestSocket, chatId: string, count: number, prefix: string) {
  for (let i = 0; i < count; i += 20) {
    const acks = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, k) => socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: `${prefix} ${i + k}` })),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
  }
}

describe('catch-up after a disconnection', () => {
  it('returns exactly the missed messages through chat:sync and through REST afterSeq', async () => {
    const alice = await server.createUser({ name: 'Alice' });
    const bob = await server.createUser({ name: 'Bob' });
    const chatId = (await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id })).body.chat.id as string;
    const aliceSocket = await connect(alice);
    let bobSocket = await connect(bob);

    await sendMany(aliceSocket, chatId, 5, 'before');
    await bobSocket.waitFor(() => bobSocket.received('message:new').length === 5, 'first five');
    const lastSeen = Math.max(...bobSocket.received<Message>('message:new').map((m) => m.seq));
    bobSocket.close();

    await sendMany(aliceSocket, chatId, 100, 'missed');
    bobSocket = await connect(bob);
    const sync = await bobSocket.emitAck('chat:sync', { chats: { [chatId]: lastSeen } });
    expect(sync.ok).toBe(true);
    const synced = sync.messages as Message[];
    expect(synced).toHaveLength(100);
    expect(synced.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => lastSeen + 1 + i));
    expect(synced.every((m) => m.body.startsWith('missed'))).toBe(true);
    expect(sync.hasMore).toEqual({ [chatId]: false });

    const page = await server.api(bob.token).get(`/api/chats/${chatId}/messages?afterSeq=${lastSeen}&limit=200`);
    expect(page.status).toBe(200);
    expect((page.body.messages as Message[]).map((m) => m.id)).toEqual(synced.map((m) => m.id));
    expect(page.body.hasMore).toBe(false);

    // Unread reflects the missed messages until Bob reads them.
    const chats = await server.api(bob.token).get('/api/chats');
    expect(chats.body.chats[0]).toMatchObject({ id: chatId, unreadCount: 105, lastSeq: 105 });
  });

  it('bounds a long catch-up and says there is more', async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const chatId = (await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id })).body.chat.id as string;
    const aliceSocket = await connect(alice);
    await sendMany(aliceSocket, chatId, 520, 'bulk');
    const bobSocket = await connect(bob);
    const sync = await bobSocket.emitAck('chat:sync', { chats: { [chatId]: 0 } });
    expect(sync.ok).toBe(true);
    expect(sync.messages).toHaveLength(500);
    expect(sync.hasMore).toEqual({ [chatId]: true });
    const rest = await server.api(bob.token).get(`/api/chats/${chatId}/messages?afterSeq=500&limit=200`);
    expect((rest.body.messages as Message[]).map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 501 + i));
  });

  it('pages backwards through history with beforeSeq', async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const chatId = (await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id })).body.chat.id as string;
    await sendMany(await connect(alice), chatId, 120, 'page');
    const newest = await server.api(bob.token).get(`/api/chats/${chatId}/messages`);
    expect((newest.body.messages as Message[]).map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(newest.body.hasMore).toBe(true);
    const older = await server.api(bob.token).get(`/api/chats/${chatId}/messages?beforeSeq=71&limit=60`);
    expect((older.body.messages as Message[]).map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => 11 + i));
    const oldest = await server.api(bob.token).get(`/api/chats/${chatId}/messages?beforeSeq=11&limit=60`);
    expect((oldest.body.messages as Message[]).map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 1 + i));
    expect(oldest.body.hasMore).toBe(false);
  });
});
