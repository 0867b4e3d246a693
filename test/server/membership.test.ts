import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { Message } from '../support/wire-types.ts';

const server = useTestServer();
const { connect } = server;

const bodiesIn = (socket: TestSocket, chatId: string) =>
  socket.received<Message>('message:new').filter((m) => m.chatId === chatId && m.kind === 'text').map((m) => m.body);

describe('direct chats', () => {
  it('gives one pair one chat, even under concurrent requests from both sides', async () => {
    const [ann, ben] = [await server.createUser(), await server.createUser()];
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id }) : server.api(ben.token).post('/api/chats/direct', { userId: ann.user.id }))),
    );
    expect(new Set(responses.map((r) => r.body.chat.id)).size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
    const [{ count }] = (await server.running.services.knex('chatMembers').where({ chatId: responses[0]!.body.chat.id }).count('* as count')) as [{ count: number }];
    expect(Number(count)).toBe(2);
  });

  it('refuses a chat with oneself or with an unknown or deactivated user', async () => {
    const ann = await server.createUser();
    expect((await server.api(ann.token).post('/api/chats/direct', { userId: ann.user.id })).status).toBe(400);
    expect((await server.api(ann.token).post('/api/chats/direct', { userId: randomUUID() })).body.error.code).toBe('not_found');
    const gone = await server.createUser();
    await server.api(server.admin.token).patch(`/api/admin/users/${gone.user.id}`, { status: 'deactivated' });
    // A deactivated person is named as such (409 user_deactivated), not hidden as unknown.
    const refused = await server.api(ann.token).post('/api/chats/direct', { userId: gone.user.id });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'user_deactivated']);
  });
});

describe('group membership moves sockets at once', () => {
  it('adds, renames, removes and leaves with live events and no reconnect', async () => {
    const [owner, member, late] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Member' }), await server.createUser({ name: 'Late' })];
    const [ownerSocket, memberSocket, lateSocket] = [await connect(owner), await connect(member), await connect(late)];
    const created = await server.api(owner.token).post('/api/chats/groups', { name: 'Team', memberIds: [member.user.id] });
    const chatId = created.body.chat.id as string;
    expect(created.body.chat.members.find((m: { user: { id: string } }) => m.user.id === owner.user.id).role).toBe('owner');
    await memberSocket.waitFor(() => memberSocket.received('chat:created').some((e) => e.chat.id === chatId), 'chat:created for member');
    expect(lateSocket.received('chat:created')).toHaveLength(0);

    const added = await server.api(owner.token).post(`/api/chats/${chatId}/members`, { userIds: [late.user.id] });
    expect(added.status).toBe(200);
    expect(added.body.chat.members).toHaveLength(3);
    await lateSocket.waitFor(() => lateSocket.received('chat:created').some((e) => e.chat.id === chatId), 'chat:created for late member');
    await memberSocket.waitFor(() => memberSocket.received('chat:updated').some((e) => e.chat.members.length === 3), 'chat:updated');
    expect((await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'welcome' })).ok).toBe(true);
    await lateSocket.waitFor(() => bodiesIn(lateSocket, chatId).includes('welcome'), 'late member receives');
    expect((await lateSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'thanks' })).ok).toBe(true);

    const renamed = await server.api(owner.token).patch(`/api/chats/${chatId}`, { name: 'Team 2' });
    expect(renamed.body.chat.name).toBe('Team 2');
    await lateSocket.waitFor(() => lateSocket.received('chat:updated').some((e) => e.chat.name === 'Team 2'), 'rename reaches members');
    await lateSocket.waitFor(() => lateSocket.received('message:new').some((m) => m.kind === 'system' && m.body.includes('Team 2')), 'system message');

    expect((await server.api(owner.token).delete(`/api/chats/${chatId}/members/${late.user.id}`)).status).toBe(204);
    await lateSocket.waitFor(() => lateSocket.received('chat:removed').some((e) => e.chatId === chatId), 'chat:removed');
    expect((await lateSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'still here?' })).error?.code).toBe('not_found');
    expect((await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'after removal' })).ok).toBe(true);
    await memberSocket.waitFor(() => bodiesIn(memberSocket, chatId).includes('after removal'), 'member receives');
    expect(bodiesIn(lateSocket, chatId)).not.toContain('after removal');

    // The owner leaves: the group keeps an owner.
    expect((await server.api(owner.token).delete(`/api/chats/${chatId}/members/${owner.user.id}`)).status).toBe(204);
    const view = await server.api(member.token).get(`/api/chats/${chatId}`);
    expect(view.body.chat.members).toEqual([expect.objectContaining({ role: 'owner', user: expect.objectContaining({ id: member.user.id }) })]);
    expect((await server.api(owner.token).get(`/api/chats/${chatId}`)).status).toBe(404);
  });
});

describe('presence, typing and notifications', () => {
  it('announces who is online and who goes offline to the people they share a chat with', async () => {
    const [watcher, visitor] = [await server.createUser(), await server.createUser()];
    await server.api(watcher.token).post('/api/chats/direct', { userId: visitor.user.id });
    const watcherSocket = await connect(watcher);
    const visitorSocket = await connect(visitor);
    await watcherSocket.waitFor(() => watcherSocket.received('presence').some((p) => p.userId === visitor.user.id && p.online), 'online');
    const list = await server.api(watcher.token).get('/api/presence');
    expect(list.body.presence.map((p: { userId: string }) => p.userId)).toEqual(expect.arrayContaining([watcher.user.id, visitor.user.id]));
    visitorSocket.close();
    await watcherSocket.waitFor(() => watcherSocket.received('presence').some((p) => p.userId === visitor.user.id && !p.online), 'offline');
    expect((await server.api(watcher.token).get('/api/presence')).body.presence.map((p: { userId: string }) => p.userId)).not.toContain(visitor.user.id);
  });

  it('relays typing to the other members and notifies them of new messages, but not the sender', async () => {
    const [ann, ben] = [await server.createUser({ name: 'Ann' }), await server.createUser({ name: 'Ben' })];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const [annSocket, benSocket] = [await connect(ann), await connect(ben)];
    await annSocket.emitUntil('typing', { chatId, typing: true }, () => benSocket.received('typing').some((t) => t.userId === ann.user.id && t.typing && t.chatId === chatId), 'typing');
    expect(annSocket.received('typing')).toHaveLength(0);
    await annSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'ping' });
    await benSocket.waitFor(() => benSocket.received('notification').length === 1, 'notification');
    expect(benSocket.received('notification')[0]).toMatchObject({ chatId, title: 'Ann', body: 'ping' });
    expect(annSocket.received('notification')).toHaveLength(0);
  });
});
