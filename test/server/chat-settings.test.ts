import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';

const server = useTestServer();

describe('a member’s own chat settings', () => {
  it('refuses non-members and malformed settings', async () => {
    const [ann, ben, eve] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    expect((await server.api().patch(`/api/chats/${chatId}/membership`, { muted: true })).status).toBe(401);
    expect((await server.api(eve.token).patch(`/api/chats/${chatId}/membership`, { muted: true })).status).toBe(404);
    for (const body of [{}, { muted: 'yes' }, { muted: true, role: 'owner' }]) {
      const response = await server.api(ann.token).patch(`/api/chats/${chatId}/membership`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
    }
  });

  it('stops notifications for a muted chat but keeps delivering its messages', async () => {
    const [ann, ben] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' })];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const annSocket = await server.connect(ann);
    const benSocket = await server.connect(ben);

    const muted = await server.api(ben.token).patch(`/api/chats/${chatId}/membership`, { muted: true });
    expect(muted.status).toBe(200);
    expect(muted.body.chat).toMatchObject({ id: chatId, muted: true, archived: false });
    await benSocket.waitFor(() => benSocket.received('chat:updated').some((e) => e.chat.muted === true), 'chat:updated to own sockets');

    await annSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'quiet please' });
    await benSocket.waitFor(() => benSocket.received('message:new').some((m) => m.body === 'quiet please'), 'message');
    expect(benSocket.received('notification')).toHaveLength(0);

    await server.api(ben.token).patch(`/api/chats/${chatId}/membership`, { muted: false });
    await annSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'loud again' });
    await benSocket.waitFor(() => benSocket.received('notification').some((n) => n.body === 'loud again'), 'notification after unmute');
    expect(benSocket.received('notification')).toHaveLength(1);
    expect((await server.api(ann.token).get('/api/chats')).body.chats[0].muted).toBe(false);
  });
});
