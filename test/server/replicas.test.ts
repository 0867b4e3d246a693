import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Two replicas on one database: the first server's (its PostgreSQL, embedded or not) hosts a
// new, empty database that both replicas migrate and write at the same time.
const host = useTestServer();
let replicas: TestServer[] = [];
let databaseName: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  databaseName = `chatflow_replicas_${randomBytes(4).toString('hex')}`;
  await host.running.services.knex.raw(`CREATE DATABASE ${databaseName}`);
});

// Runs before the fixture closes the host, which still has to drop the shared database.
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(replicas.map((replica) => replica.close()));
  if (databaseName) await host.running.services.knex.raw(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

describe('replicas sharing one database', () => {
  it('start together on an empty database, and keep one gap-free order while both write into one chat', async () => {
    const { connectionString } = host.running.services.knex.client.config.connection as { connectionString: string };
    const url = new URL(connectionString);
    url.pathname = `/${databaseName}`;
    replicas = await Promise.all([0, 1, 2].map(() => startTestServer({ databaseUrl: url.toString() })));

    const knex = replicas[0]!.running.services.knex;
    const [{ count: admins }] = (await knex('users').where({ role: 'admin' }).count('* as count')) as [{ count: number }];
    expect(Number(admins)).toBe(1);
    // Each migration ran exactly once, whichever replica won the lock.
    const ran = (await knex('knex_migrations').orderBy('id').select('name')) as { name: string }[];
    expect(ran.map((m) => m.name)).toEqual(Object.keys(migrations));

    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => replicas[i % 3]!.createUser({ name: `Replica user ${i}` })));
    const group = await replicas[0]!.api(users[0]!.token).post('/api/chats/groups', { name: 'Across replicas', memberIds: users.slice(1).map((u) => u.user.id) });
    const chatId = group.body.chat.id as string;
    // Each user's socket on a different replica than the one it signed in on: tokens work everywhere.
    sockets.push(...(await Promise.all(users.map((u, i) => connectSocket(replicas[(i + 1) % 3]!.url, u.token)))));

    const PER_USER = 150;
    await Promise.all(
      sockets.map(async (socket) => {
        for (let i = 0; i < PER_USER; i += 15) {
          const acks = await Promise.all(Array.from({ length: 15 }, () => socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'x' })));
          expect(acks.every((ack) => ack.ok)).toBe(true);
        }
      }),
    );
    const seqs = ((await knex('messages').where({ chatId }).orderBy('seq').select('seq')) as { seq: number }[]).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: sockets.length * PER_USER }, (_, i) => i + 1));
    const chat = (await knex('chats').where({ id: chatId }).first('lastSeq')) as { lastSeq: number };
    expect(chat.lastSeq).toBe(sockets.length * PER_USER);
  });
});
