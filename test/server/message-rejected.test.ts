import { randomInt, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { kafkaTestEnv } from '../support/kafka-env.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

// The writer replica announces to sockets on the front replica through Redis; a database index of
// this run's own keeps its broadcast channels apart from other runs.
function redisEnv() {
  const url = new URL(inject('redisUrl'));
  url.pathname = `/${randomInt(1, 16)}`;
  return { REDIS_URL: url.toString() };
}

const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const server of servers.splice(0).reverse()) await server.close();
});

async function start(env: Record<string, string>, databaseUrl?: string) {
  const server = await startTestServer({ env, databaseUrl });
  servers.push(server);
  return server;
}

async function connect(server: TestServer, user: TestUser) {
  const socket = await connectSocket(server.url, user.token);
  sockets.push(socket);
  return socket;
}

const databaseUrlOf = (server: TestServer) => (server.running.services.knex.client.config.connection as { connectionString: string }).connectionString;

describe('a send acked by the Kafka log and then refused by the writer', () => {
  it('reaches the sender\'s devices as message:rejected with the code, and is never written', async () => {
    const env = { ...kafkaTestEnv(), ...redisEnv() };
    // No writer runs yet: what is acked waits in the topic.
    const front = await start({ ...env, CHATFLOW_ROLES: 'web,realtime' });
    const [alice, bob] = [await front.createUser(), await front.createUser()];
    const removedFrom = (await front.api(alice.token).post('/api/chats/groups', { name: 'Leaving', memberIds: [bob.user.id] })).body.chat.id as string;
    const archived = (await front.api(alice.token).post('/api/chats/groups', { name: 'Closing', memberIds: [bob.user.id] })).body.chat.id as string;
    const [phone, laptop] = [await connect(front, bob), await connect(front, bob)];

    const sends = [
      { chatId: removedFrom, clientId: randomUUID(), body: 'still here?' },
      { chatId: archived, clientId: randomUUID(), body: 'last words' },
    ];
    const acks = await Promise.all(sends.map((s) => phone.emitAck('message:send', s)));
    for (const ack of acks) expect(ack).toMatchObject({ ok: true, id: expect.any(String) });

    // Meanwhile bob is removed from one group and the other is archived.
    expect((await front.api(alice.token).delete(`/api/chats/${removedFrom}/members/${bob.user.id}`)).status).toBe(204);
    expect((await front.api(front.admin.token).patch(`/api/admin/groups/${archived}`, { archived: true })).status).toBe(200);

    // Then a writer replica starts, reads the backlog and refuses both.
    await start({ ...env, CHATFLOW_ROLES: 'persist' }, databaseUrlOf(front));
    for (const device of [phone, laptop]) {
      await device.waitFor(() => device.received('message:rejected').length >= 2, 'both refusals');
      const rejected = device.received<{ chatId: string; clientId: string; id: string; error: { code: string; message: string } }>('message:rejected');
      expect(rejected).toEqual(
        expect.arrayContaining([
          { chatId: removedFrom, clientId: sends[0]!.clientId, id: acks[0]!.id, error: { code: 'not_found', message: 'Chat not found.' } },
          { chatId: archived, clientId: sends[1]!.clientId, id: acks[1]!.id, error: { code: 'forbidden', message: 'This group is archived.' } },
        ]),
      );
      expect(rejected).toHaveLength(2);
    }
    // Neither reached the database or anyone's screen; the notices that followed them were written.
    const knex = front.running.services.knex;
    expect(await knex('messages').whereIn('id', acks.map((a) => a.id as string)).count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
    await expect.poll(async () => (await knex('entries').whereIn('chatId', [removedFrom, archived]).select('type')).map((r: { type: string }) => r.type).sort(), { timeout: 20_000 })
      .toEqual(['chat.archived', 'member.removed']);
    expect(phone.received('message:new').filter((m: { body: string }) => m.body === 'still here?' || m.body === 'last words')).toHaveLength(0);
  });
});
