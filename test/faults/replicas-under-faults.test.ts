import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ResilientClient } from '../support/resilient-client.ts';
import { connectSocket } from '../support/socket-client.ts';
import { audit, makeFixture, streamMessages, until, type Fixture } from './message-stream.ts';
import { PRESENCE_TTL_SECONDS, ReplicaCluster } from './replica-cluster.ts';

// Three replica processes on one PostgreSQL (behind a cuttable proxy), one Redis and the suite's
// Kafka broker. Each test makes its own people and groups; faults are applied to the shared cluster
// and every test leaves all three replicas running.
const cluster = new ReplicaCluster();

beforeAll(() => cluster.start(3), 240_000);
afterAll(() => cluster.stop(), 60_000);
// Whatever a test did to them, the next one starts with every replica up.
afterEach(async () => {
  for (const replica of cluster.replicas) if (!replica.running) await replica.start();
}, 240_000);

const report = (name: string, figures: Record<string, number>) => process.stdout.write(`[faults] ${name}: ${JSON.stringify(figures)}\n`);

async function settled(fixture: Fixture, expectedPerChat: () => Promise<Map<string, number>>) {
  const expected = await expectedPerChat();
  await until(async () => {
    await Promise.all(fixture.clients.map((client) => client.sync()));
    return fixture.clients.every((client) => [...client.messages].every(([chatId, held]) => held.size >= (expected.get(chatId) ?? 0)));
  }, 'every client to hold every message of its chats');
}

async function messagesPerChat(fixture: Fixture): Promise<Map<string, number>> {
  const rows = await cluster.query<{ chatId: string; count: string }>(
    `SELECT chat_id AS "chatId", count(*) AS count FROM messages WHERE chat_id = ANY($1::uuid[]) GROUP BY chat_id`,
    [fixture.chats.map((c) => c.id)],
  );
  return new Map(rows.map((r) => [r.chatId, Number(r.count)]));
}

async function storedCount(ids: Iterable<string>): Promise<number> {
  const rows = await cluster.query<{ count: string }>(`SELECT count(*) AS count FROM messages WHERE id = ANY($1::uuid[])`, [[...ids]]);
  return Number(rows[0]!.count);
}

async function logLag(): Promise<number> {
  const stats = await cluster.api(cluster.adminToken, cluster.replicas.findIndex((r) => r.running)).get('/api/admin/stats');
  return (stats.body as { logLag: number }).logLag;
}

describe('three replicas on Kafka, Redis and PostgreSQL', () => {
  it('delivers across replicas: every member gets each message once in seq order, with receipts, typing, presence and membership changes', async () => {
    const fixture = await makeFixture(cluster, 'cross', 6, 3, 4);
    const [a, b] = [fixture.clients[0]!, fixture.clients[1]!];
    expect(new Set(fixture.clients.slice(0, 3).map((c) => c.url)).size).toBe(3);
    const chat = fixture.chats[0]!;
    const { acked } = await streamMessages(fixture, 10, 2);
    await until(async () => (await storedCount(acked.keys())) === acked.size, 'every acked message written', 60_000);
    await settled(fixture, () => messagesPerChat(fixture));
    const result = await audit(cluster, fixture, { acked });
    expect(result).toMatchObject({ lost: 0, duplicated: 0, gaps: 0, clientsMissing: 0, clientsExtra: 0 });
    // Live delivery, not only the final state: no message:new arrived twice at any socket.
    for (const client of fixture.clients) expect(client.liveDuplicates).toBe(0);

    // Receipts and typing cross replicas: b (replica 1) reads; a (replica 0) hears it. A receipt goes
    // to the authors whose messages the watermark passes, so a writes the newest message first.
    const newest = await a.send(chat.id, 'read me');
    await until(() => b.messages.get(chat.id)!.has(newest), 'the newest message at b', 20_000);
    const top = Math.max(...[...b.messages.get(chat.id)!.values()].map((m) => m.seq));
    expect((await b.emit('chat:read', { chatId: chat.id, seq: top })).ok).toBe(true);
    await until(() => a.received('receipt').some((r) => (r as { userId: string; readSeq: number }).userId === fixture.users[1]!.id && (r as { readSeq: number }).readSeq === top), 'the read receipt on another replica', 20_000);
    await until(async () => {
      await b.emit('typing', { chatId: chat.id, typing: true });
      return a.received('typing').some((t) => (t as { userId: string }).userId === fixture.users[1]!.id);
    }, 'typing on another replica', 20_000);

    // Presence: a newcomer on replica 2 who shares a chat with a comes online for a.
    const [newcomer] = await cluster.createUsers(1, 'cross-new');
    await cluster.api(fixture.users[0]!.token).post(`/api/chats/${chat.id}/members`, { userIds: [newcomer!.id] });
    await until(() => a.received('chat:updated').length > 0, 'the membership change on another replica', 20_000);
    const late = new ResilientClient(() => [cluster.replicas[2]!.url], newcomer!.token, [chat.id]);
    await late.connect();
    await until(() => a.received('presence').some((p) => (p as { userId: string; online: boolean }).userId === newcomer!.id && (p as { online: boolean }).online), 'presence from another replica', 20_000);
    await late.sync();
    expect(late.messages.get(chat.id)!.size).toBeGreaterThanOrEqual(acked.size / fixture.chats.length - 10);
    late.close();
    for (const client of fixture.clients) client.close();
  });

  it('shows a killed replica\'s users offline to the others within the presence TTL', async () => {
    const fixture = await makeFixture(cluster, 'presence', 2, 1, 2);
    const [watcher] = fixture.clients;
    const [watcherUser] = fixture.users;
    const victimUser = fixture.users[1]!;
    fixture.clients[1]!.close();
    // The victim's only socket sits on replica 2 and does not reconnect: its replica dies without a word.
    const victim = await connectSocket(cluster.replicas[2]!.url, victimUser.token);
    await until(async () => {
      const presence = await cluster.api(watcherUser!.token).get('/api/presence');
      return (presence.body as { presence: { userId: string }[] }).presence.some((p) => p.userId === victimUser.id);
    }, 'the victim online', 20_000);
    const before = watcher!.received('presence').length;
    await cluster.replicas[2]!.stop('SIGKILL');
    const killedAt = Date.now();
    await until(() => watcher!.received('presence').slice(before).some((p) => (p as { userId: string; online: boolean }).userId === victimUser.id && !(p as { online: boolean }).online), 'the victim offline', 30_000);
    const offlineAfterMs = Date.now() - killedAt;
    report('presence after SIGKILL', { offlineAfterMs, ttlMs: PRESENCE_TTL_SECONDS * 1000 });
    // The TTL, plus one refresh interval (a third of it) for the sweep that announces it, plus slack.
    expect(offlineAfterMs).toBeLessThan(PRESENCE_TTL_SECONDS * 1000 * 2);
    victim.close();
    for (const client of fixture.clients) client.close();
  });

  it('loses and duplicates nothing when a replica is killed with SIGKILL mid-stream and started again', async () => {
    const fixture = await makeFixture(cluster, 'kill', 40, 20, 4);
    let killedAt = 0;
    let restarting: Promise<void> | undefined;
    const stream = streamMessages(fixture, 250, 3, (count) => {
      if (count < 3000 || killedAt) return;
      killedAt = Date.now();
      restarting = cluster.replicas[1]!.stop('SIGKILL').then(() => cluster.replicas[1]!.start());
    });
    const { acked } = await stream;
    await restarting;
    const streamDoneMs = Date.now() - killedAt;
    const writtenMs = await until(async () => (await storedCount(acked.keys())) === acked.size, 'every acked message written', 180_000);
    await settled(fixture, () => messagesPerChat(fixture));
    const result = await audit(cluster, fixture, { acked });
    const errorAcks = fixture.clients.reduce((n, c) => n + c.errorAcks, 0);
    report('SIGKILL mid-stream', { ...result, errorAcks, recoveryMs: streamDoneMs + writtenMs });
    expect(acked.size).toBe(10_000);
    expect(result).toMatchObject({ persisted: 10_000, lost: 0, duplicated: 0, gaps: 0, clientsMissing: 0, clientsExtra: 0 });
    for (const client of fixture.clients) client.close();
  });

  it('keeps accepting while PostgreSQL is cut off for 10 s, and writes everything once it returns', async () => {
    const fixture = await makeFixture(cluster, 'pgcut', 6, 3, 4);
    let cutAt = 0;
    let ackedAtCut = 0;
    let ackedAtRestore = -1;
    let ackedNow = 0;
    let ready: { status: number; body: unknown } | undefined;
    const stream = streamMessages(fixture, 60, 1, (count) => {
      ackedNow = count;
      if (count < 100 || cutAt) return;
      cutAt = Date.now();
      ackedAtCut = count;
      cluster.proxy.cutOff();
      setTimeout(() => {
        void cluster.api().get('/readyz').then((answer) => (ready = answer), () => undefined);
        setTimeout(() => {
          ackedAtRestore = ackedNow;
          cluster.proxy.restore();
        }, 8000);
      }, 2000);
    });
    const { acked } = await stream;
    await until(() => ackedAtRestore >= 0, 'the database to be restored');
    const ackedDuringCut = ackedAtRestore - ackedAtCut;
    await until(async () => (await storedCount(acked.keys())) === acked.size, 'every acked message written after the cut', 120_000);
    await until(async () => (await logLag()) === 0, 'the log lag back to 0', 60_000);
    await settled(fixture, () => messagesPerChat(fixture));
    const result = await audit(cluster, fixture, { acked });
    report('PostgreSQL cut 10 s', { ...result, ackedDuringCut });
    expect(ready).toMatchObject({ status: 503, body: { checks: { database: 'failing' } } });
    // Acked into Kafka while the database was gone: the writer caught up afterwards.
    expect(ackedDuringCut).toBeGreaterThan(0);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, gaps: 0, clientsMissing: 0, clientsExtra: 0 });
    for (const client of fixture.clients) client.close();
  });

  it('recovers from a Redis restart mid-stream: nothing lost, every client fills its gaps, even where no later message arrives', async () => {
    const fixture = await makeFixture(cluster, 'redis', 6, 3, 4);
    // A quiet chat: one message during the outage from replica 0, then nothing more in it.
    const users = await cluster.createUsers(2, 'redis-quiet');
    const quiet = await cluster.api(users[0]!.token).post('/api/chats/direct', { userId: users[1]!.id });
    const quietId = (quiet.body as { chat: { id: string } }).chat.id;
    const sender = new ResilientClient(() => [cluster.replicas[0]!.url], users[0]!.token, [quietId]);
    const listener = new ResilientClient(() => [cluster.replicas[1]!.url], users[1]!.token, [quietId]);
    await Promise.all([sender.connect(), listener.connect()]);
    let quietId2 = '';
    let restarted: Promise<void> | undefined;
    const stream = streamMessages(fixture, 60, 1, (count) => {
      if (count < 100 || restarted) return;
      restarted = (async () => {
        await cluster.redis.kill();
        quietId2 = await sender.send(quietId, 'sent while Redis was down');
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await cluster.redis.start();
      })();
    });
    const { acked } = await stream;
    await restarted;
    await until(async () => (await storedCount(acked.keys())) === acked.size, 'every acked message written', 120_000);
    // No sync by hand for the quiet chat: the server's resync hint alone must bring it.
    await until(() => listener.messages.get(quietId)!.has(quietId2), 'the quiet chat message to reach the other replica\'s client', 60_000);
    await settled(fixture, () => messagesPerChat(fixture));
    const result = await audit(cluster, fixture, { acked });
    report('Redis restart', { ...result, resyncs: listener.received('resync').length });
    expect(result).toMatchObject({ lost: 0, duplicated: 0, gaps: 0, clientsMissing: 0, clientsExtra: 0 });
    for (const client of [...fixture.clients, sender, listener]) client.close();
  });

  it('rolls a restart through every replica during a stream with nothing lost or duplicated', async () => {
    const fixture = await makeFixture(cluster, 'rolling', 12, 6, 4);
    let rolling: Promise<void> | undefined;
    const exits: (number | null)[] = [];
    const stream = streamMessages(fixture, 150, 2, (count) => {
      if (count < 200 || rolling) return;
      rolling = (async () => {
        for (const replica of cluster.replicas) {
          exits.push((await replica.stop('SIGTERM')).code);
          await replica.start();
        }
      })();
    });
    const { acked } = await stream;
    await rolling;
    await until(async () => (await storedCount(acked.keys())) === acked.size, 'every acked message written', 120_000);
    await settled(fixture, () => messagesPerChat(fixture));
    const result = await audit(cluster, fixture, { acked });
    const errorAcks = fixture.clients.reduce((n, c) => n + c.errorAcks, 0);
    report('rolling restart', { ...result, errorAcks, reconnects: fixture.clients.reduce((n, c) => n + c.connects - 1, 0) });
    expect(exits).toEqual([0, 0, 0]);
    expect(result).toMatchObject({ persisted: 12 * 150, lost: 0, duplicated: 0, gaps: 0, clientsMissing: 0, clientsExtra: 0 });
    for (const client of fixture.clients) client.close();
  });
});
