import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startChatFlow } from '../../app/server/chat-flow.ts';
import { loadConfig } from '../../app/server/config.ts';
import { createLogger } from '../../app/server/logger.ts';
import { RedisPresence } from '../../app/server/realtime/redis-presence.ts';
import { redisKeys } from '../../app/server/realtime/redis-keys.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import type { Message } from '../support/wire-types.ts';

// A database index of its own per run: keys and (through the index in their names) broadcast
// channels stay apart from other runs on the same Redis server.
const DB_INDEX = randomInt(1, 16);
const redisUrlFor = (base: string, index: number) => {
  const url = new URL(base);
  url.pathname = `/${index}`;
  return url.toString();
};
const REDIS_URL = redisUrlFor(inject('redisUrl'), DB_INDEX);
// Short TTL so a dead replica is noticed in about two seconds.
const ENV = { REDIS_URL, CHATFLOW_PRESENCE_TTL_SECONDS: '2' };
const keys = redisKeys(DB_INDEX);

const a = useTestServer({ env: ENV });
let b: TestServer;
const extraServers: TestServer[] = [];
const sockets: TestSocket[] = [];
let redis: Redis;
let sharedDatabaseUrl: string;

const startReplica = async (env: Record<string, string> = ENV) => {
  const replica = await startTestServer({ databaseUrl: sharedDatabaseUrl, env });
  extraServers.push(replica);
  return replica;
};
const connectTo = async (server: { url: string }, user: TestUser) => {
  const socket = await connectSocket(server.url, user.token);
  sockets.push(socket);
  return socket;
};
const bodiesIn = (socket: TestSocket, chatId: string) =>
  socket.received<Message>('message:new').filter((m) => m.chatId === chatId && m.kind === 'text').map((m) => m.body);
const presenceEvents = (socket: TestSocket, userId: string) =>
  socket.received<{ userId: string; online: boolean }>('presence').filter((p) => p.userId === userId);
const onlineAt = async (server: { api: TestServer['api'] }, token: string) =>
  ((await server.api(token).get('/api/presence')).body.presence as { userId: string }[]).map((p) => p.userId);
/** Presence reaches only people who share a chat: the watcher's group with everyone watched. */
const watchGroup = async (watcher: TestUser, watched: TestUser[]) =>
  expect((await a.api(watcher.token).post('/api/chats/groups', { name: 'Watching', memberIds: watched.map((u) => u.user.id) })).status).toBe(201);
const replicaIdOf = (server: Pick<TestServer, 'running'>) => (server.running.services.presence as RedisPresence).replicaId;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  ({ connectionString: sharedDatabaseUrl } = a.running.services.knex.client.config.connection as { connectionString: string });
  b = await startReplica();
});

// Before the fixture closes replica A, whose database the others share.
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all(extraServers.map((server) => server.close()));
  // Orderly closes remove their own keys; the abandoned replica's were swept. What is left is
  // another run's (same index by chance), so only this run's replicas are cleaned, not the index.
  const ours = [a, ...extraServers].map(replicaIdOf);
  await redis.srem(keys.replicas, ...ours);
  await redis.del(...ours.flatMap((id) => [keys.heartbeat(id), keys.replicaUsers(id)]));
  redis.disconnect();
});

describe('Redis that cannot be reached or goes away', () => {
  it('stops the start with one line naming REDIS_URL, before opening the database', async () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:1',
      // Unreachable too: the Redis check must come first and fail on its own.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      LOG_LEVEL: 'silent',
    });
    const started = Date.now();
    await expect(startChatFlow(config, createLogger('silent'))).rejects.toThrow(/^REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports 503 with checks.redis failing when Redis goes away, and still shuts down', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const own: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
      probe.on('error', () => undefined);
      await until(() => probe.ping().then(() => true, () => false), 'own redis-server to start');
      probe.disconnect();
      const replica = await startTestServer({ databaseUrl: sharedDatabaseUrl, env: { REDIS_URL: `redis://127.0.0.1:${port}/3` } });
      try {
        expect(await replica.api().get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', redis: 'ok' } } });
        own.kill('SIGKILL');
        await until(async () => (await replica.api().get('/readyz')).status === 503, '/readyz to fail');
        expect((await replica.api().get('/readyz')).body).toEqual({ status: 'not_ready', checks: { database: 'ok', redis: 'failing', media: 'ok' } });
      } finally {
        const closing = Date.now();
        await replica.close();
        expect(Date.now() - closing).toBeLessThan(5000);
      }
    } finally {
      own.kill('SIGKILL');
    }
  });
});

describe('two replicas behind Redis', () => {
  it('reports redis ok in /readyz', async () => {
    expect(await a.api().get('/readyz')).toMatchObject({ status: 200, body: { checks: { database: 'ok', redis: 'ok' } } });
  });

  it('stops delivery on B once a member is removed on A, and disconnects on B a user deactivated on A', async () => {
    const [owner, leaver, dave] = [await a.createUser(), await a.createUser(), await a.createUser()];
    const chatId = (await a.api(owner.token).post('/api/chats/groups', { name: 'Leaving', memberIds: [leaver.user.id] })).body.chat.id as string;
    const [ownerOnA, leaverOnB, daveOnB] = [await connectTo(a, owner), await connectTo(b, leaver), await connectTo(b, dave)];

    expect((await a.api(owner.token).delete(`/api/chats/${chatId}/members/${leaver.user.id}`)).status).toBe(204);
    await leaverOnB.waitFor(() => leaverOnB.received('chat:removed').some((e) => e.chatId === chatId), 'chat:removed on B');
    expect((await leaverOnB.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'still here?' })).error?.code).toBe('not_found');
    expect((await ownerOnA.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'after removal' })).ok).toBe(true);
    await ownerOnA.waitFor(() => bodiesIn(ownerOnA, chatId).includes('after removal'), 'echo on A');
    expect(bodiesIn(leaverOnB, chatId)).not.toContain('after removal');

    expect((await a.api(a.admin.token).patch(`/api/admin/users/${dave.user.id}`, { status: 'deactivated' })).status).toBe(200);
    await daveOnB.waitFor(() => !daveOnB.socket.connected, 'deactivated socket on B to be disconnected');
    // Disconnecting goes to dave's sockets only: the others on B stay.
    expect(leaverOnB.socket.connected).toBe(true);
  });

  it('delivers a message sent on A to a member on B exactly once and in order, and relays typing', async () => {
    const [ann, ben] = [await a.createUser({ name: 'Ann' }), await a.createUser({ name: 'Ben' })];
    const chatId = (await a.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const [annOnA, benOnB] = [await connectTo(a, ann), await connectTo(b, ben)];
    const bodies = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const body of bodies) expect((await annOnA.emitAck('message:send', { chatId, clientId: randomUUID(), body })).ok).toBe(true);
    await benOnB.waitFor(() => bodiesIn(benOnB, chatId).includes('m19'), 'last message on B');
    // A marker sent after everything else: any duplicate would have arrived before it.
    await annOnA.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'end' });
    await benOnB.waitFor(() => bodiesIn(benOnB, chatId).includes('end'), 'marker on B');
    expect(bodiesIn(benOnB, chatId)).toEqual([...bodies, 'end']);
    const seqs = benOnB.received<Message>('message:new').filter((m) => m.chatId === chatId).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));

    await annOnA.emitUntil('typing', { chatId, typing: true }, () => benOnB.received('typing').some((t) => t.userId === ann.user.id && t.typing), 'typing on B');
    expect(annOnA.received('typing')).toHaveLength(0);
  });

  it('brings a user added to a group on A into it on B without reconnecting', async () => {
    const [owner, late] = [await a.createUser(), await a.createUser()];
    const other = await a.createUser();
    const chatId = (await a.api(owner.token).post('/api/chats/groups', { name: 'Growing', memberIds: [other.user.id] })).body.chat.id as string;
    const [ownerOnA, lateOnB] = [await connectTo(a, owner), await connectTo(b, late)];
    expect((await a.api(owner.token).post(`/api/chats/${chatId}/members`, { userIds: [late.user.id] })).status).toBe(200);
    await lateOnB.waitFor(() => lateOnB.received('chat:created').some((e) => e.chat.id === chatId), 'chat:created on B');
    expect((await ownerOnA.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'welcome' })).ok).toBe(true);
    await lateOnB.waitFor(() => bodiesIn(lateOnB, chatId).includes('welcome'), 'message on B');
    // The socket on B now sits in the chat's room: it may send too.
    expect((await lateOnB.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'hello from B' })).ok).toBe(true);
    await ownerOnA.waitFor(() => bodiesIn(ownerOnA, chatId).includes('hello from B'), 'reply on A');
  });
});

describe('presence across replicas', () => {
  it('lists on A a user connected only to B, and tells A when their last socket closes', async () => {
    const [watcher, visitor] = [await a.createUser(), await a.createUser()];
    await watchGroup(watcher, [visitor]);
    const watcherOnA = await connectTo(a, watcher);
    const visitorOnB = await connectTo(b, visitor);
    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, visitor.user.id).some((p) => p.online), 'online on A');
    expect(await onlineAt(a, watcher.token)).toEqual(expect.arrayContaining([watcher.user.id, visitor.user.id]));
    visitorOnB.close();
    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, visitor.user.id).some((p) => !p.online), 'offline on A');
    expect(presenceEvents(watcherOnA, visitor.user.id).at(-1)).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
    expect(await onlineAt(a, watcher.token)).not.toContain(visitor.user.id);
  });

  it('keeps a user online while a socket on the other replica remains', async () => {
    const [watcher, both, marker] = [await a.createUser(), await a.createUser(), await a.createUser()];
    await watchGroup(watcher, [both, marker]);
    const watcherOnA = await connectTo(a, watcher);
    const bothOnA = await connectTo(a, both);
    const bothOnB = await connectTo(b, both);
    bothOnB.close();
    await until(async () => (await redis.sismember(keys.replicaUsers(replicaIdOf(b)), both.user.id)) === 0, 'B to drop the user');
    // A barrier: B announces the marker's departure after deciding about `both` (same steps, later).
    const markerOnB = await connectTo(b, marker);
    markerOnB.close();
    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, marker.user.id).some((p) => !p.online), 'marker offline');
    expect(presenceEvents(watcherOnA, both.user.id).filter((p) => !p.online)).toHaveLength(0);
    expect(await onlineAt(b, watcher.token)).toContain(both.user.id);

    bothOnA.close();
    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, both.user.id).some((p) => !p.online), 'offline after the last socket');
    expect(presenceEvents(watcherOnA, both.user.id).filter((p) => !p.online)).toHaveLength(1);
  });

  it('drops the users of a replica that died without cleanup, and broadcasts their departure once', async () => {
    const doomed = await startReplica();
    const doomedId = replicaIdOf(doomed);
    const [watcher, ghost, both] = [await a.createUser(), await a.createUser(), await a.createUser()];
    await watchGroup(watcher, [ghost, both]);
    const watcherOnA = await connectTo(a, watcher);
    await connectTo(doomed, ghost);
    await connectTo(doomed, both);
    await connectTo(a, both);
    await until(async () => (await onlineAt(a, watcher.token)).includes(ghost.user.id), 'ghost online on A');

    // A crash: no more heartbeats, nothing removed; the replica's sockets even stay open.
    (doomed.running.services.presence as RedisPresence).abandon();

    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, ghost.user.id).some((p) => !p.online), 'ghost offline', 15_000);
    expect(await redis.exists(keys.heartbeat(doomedId))).toBe(0);
    expect(await redis.sismember(keys.replicas, doomedId)).toBe(0);
    const online = await onlineAt(a, watcher.token);
    expect(online).not.toContain(ghost.user.id);
    expect(online).toEqual(expect.arrayContaining([watcher.user.id, both.user.id]));
    expect(presenceEvents(watcherOnA, both.user.id).filter((p) => !p.online)).toHaveLength(0);
    // Swept by one replica only (A and B both sweep): exactly one offline event.
    expect(presenceEvents(watcherOnA, ghost.user.id).filter((p) => !p.online)).toHaveLength(1);

    // A replica shutting down disconnects its own sockets only, not every replica's.
    extraServers.splice(extraServers.indexOf(doomed), 1);
    await doomed.close();
    const late = await a.createUser();
    await watchGroup(watcher, [late]);
    await connectTo(b, late); // a broadcast published after the shutdown's: a barrier
    await watcherOnA.waitFor(() => presenceEvents(watcherOnA, late.user.id).some((p) => p.online), 'barrier');
    expect(watcherOnA.socket.connected).toBe(true);
  });
});
