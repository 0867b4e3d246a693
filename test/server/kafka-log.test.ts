import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger } from '../../app/server/logger.ts';
import { KafkaLog } from '../../app/server/pipeline/kafka-log.ts';
import type { LogRecord, WriteOutcome } from '../../app/server/pipeline/log-record.ts';
import { messageIdFor } from '../../app/server/pipeline/message-ids.ts';
import { Api } from '../support/api.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import { kafkaTestEnv, kafkaTestSettings } from '../support/kafka-env.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const kafkaEnv = (brokers?: string) => kafkaTestEnv(brokers);

const kafka = new Kafka({ clientId: 'kafka-log-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING });
let admin: Admin;
const servers: TestServer[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  // Replicas joined another server's database: close them first; their host drops it.
  for (const server of servers.splice(0).reverse()) await server.close();
});

afterAll(async () => {
  await admin.disconnect();
});

async function start(env: Record<string, string>, databaseUrl?: string): Promise<TestServer> {
  const server = await startTestServer({ env, databaseUrl });
  servers.push(server);
  return server;
}

async function connect(server: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await connectSocket(server.url, user.token);
  sockets.push(socket);
  return socket;
}

function databaseUrlOf(server: TestServer): string {
  return (server.running.services.knex.client.config.connection as { connectionString: string }).connectionString;
}

async function groupWith(server: TestServer, count: number) {
  const users = await Promise.all(Array.from({ length: count }, () => server.createUser()));
  const created = await server.api(users[0]!.token).post('/api/chats/groups', { name: `Kafka ${randomBytes(2).toString('hex')}`, memberIds: users.slice(1).map((u) => u.user.id) });
  expect(created.status).toBe(201);
  return { users, chatId: created.body.chat.id as string };
}

async function seqsOf(server: TestServer, chatId: string): Promise<number[]> {
  const rows = (await server.running.services.knex('messages').where({ chatId }).orderBy('seq').select('seq')) as { seq: string | number }[];
  return rows.map((r) => Number(r.seq));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Records in the topic, by the brokers' own offsets: what has been acked, not what was written. */
async function recordsIn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** The writer group has committed everything in the topic: nothing more is coming. */
async function caughtUp(topic: string, groupId: string): Promise<boolean> {
  const [high, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  return high.every((p) => {
    const done = Number(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
    return Number(p.high) === 0 || done >= Number(p.high);
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const send = (socket: TestSocket, chatId: string, clientId: string = randomUUID(), body = 'hello') => socket.emitAck('message:send', { chatId, clientId, body });

describe('the Kafka message log, when things go wrong', () => {
  it('answers unavailable while the broker is down, reports it on /readyz, and still stops cleanly', async () => {
    const server = await start(kafkaEnv(`127.0.0.1:${await closedPort()}`));
    const { users, chatId } = await groupWith(server, 2);
    const socket = await connect(server, users[0]!);
    const ack = await send(socket, chatId);
    expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const ready = await new Api(server.url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ database: 'ok', kafka: 'failing' });
    const before = Date.now();
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    expect(Date.now() - before).toBeLessThan(15_000);
  });

  it('skips malformed records in the topic and keeps writing the valid ones after them', async () => {
    const env = kafkaEnv();
    const server = await start(env);
    const { users, chatId } = await groupWith(server, 2);
    const [sender, reader] = [await connect(server, users[0]!), await connect(server, users[1]!)];

    // Keyed by the chat: the same partition, ahead of the valid messages.
    const producer = kafka.producer();
    await producer.connect();
    try {
      const bogus = { ...({ id: randomUUID(), chatId, actorId: users[0]!.user.id, clientId: 'c' } satisfies Partial<LogRecord>), type: 'message.created', kind: 'poem' };
      await producer.send({
        topic: env.CHATFLOW_KAFKA_TOPIC,
        acks: -1,
        messages: [
          { key: chatId, value: 'not json {' },
          { key: chatId, value: JSON.stringify(bogus) },
          { key: chatId, value: JSON.stringify({ chatId }) },
          { key: chatId, value: null },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    for (let i = 0; i < 3; i += 1) expect((await send(sender, chatId)).ok).toBe(true);
    await reader.waitFor(() => reader.received('message:new').length >= 3, 'three messages');
    expect(reader.received<{ seq: number }>('message:new').map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await seqsOf(server, chatId)).toEqual([1, 2, 3]);
    await eventually(() => caughtUp(env.CHATFLOW_KAFKA_TOPIC, env.CHATFLOW_KAFKA_GROUP), 'the writer to commit past the bad records');
  });

  it('retries a batch whose write failed, without committing it first and without losing it', async () => {
    const env = kafkaEnv();
    const written: LogRecord[] = [];
    let failures = 2;
    const writer = {
      async writeBatch(records: LogRecord[]): Promise<WriteOutcome[]> {
        if (records.length > 0 && failures-- > 0) throw new Error('database is down');
        written.push(...records);
        return records.map((r, i) => ({ status: 'written', id: r.id, seq: i + 1 }));
      },
    };
    const settings = kafkaTestSettings(env);
    const log = new KafkaLog(settings, createLogger('silent'), { writer, writerBatch: 100 });
    log.start();
    try {
      const chatId = randomUUID();
      const senderId = randomUUID();
      const records = Array.from({ length: 5 }, (_, i): LogRecord => ({ type: 'message.created', id: messageIdFor(senderId, `c${i}`), chatId, actorId: senderId, clientId: `c${i}`, kind: 'text', body: `m${i}`, attachmentIds: [], replyToId: null, mentions: [], mentionAll: null, acceptedAt: new Date().toISOString() }));
      expect(await Promise.all(records.map((r) => log.append(r)))).toEqual(records.map(() => ({})));
      await eventually(async () => written.length >= 5 && (await caughtUp(settings.topic, settings.groupId)), 'the retried batch to be written and committed');
      expect(failures).toBeLessThan(0);
      expect(written.map((r) => r.id)).toEqual(records.map((r) => r.id));
    } finally {
      await log.close();
    }
  });

  it('keeps what was acked while no writer runs, and a writer that starts later writes it once, in order', async () => {
    const env = kafkaEnv();
    const front = await start({ ...env, CHATFLOW_ROLES: 'web,realtime' });
    const { users, chatId } = await groupWith(front, 3);
    const frontSockets = await Promise.all(users.map((u) => connect(front, u)));
    const clientIds: string[] = [];
    await Promise.all(
      frontSockets.map(async (socket) => {
        for (let i = 0; i < 10; i += 1) {
          const clientId = randomUUID();
          clientIds.push(clientId);
          const ack = await send(socket, chatId, clientId);
          expect(ack.ok).toBe(true);
          expect(ack.seq).toBeUndefined();
        }
      }),
    );
    // A retried send while nothing writes: another record in the log, still one message.
    expect((await send(frontSockets[0]!, chatId, clientIds[0]!)).ok).toBe(true);
    expect(await recordsIn(env.CHATFLOW_KAFKA_TOPIC)).toBe(31);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await seqsOf(front, chatId)).toEqual([]);
    // The admin's figure: every record sent and not written is lag (the group has committed nothing).
    const lag = async () => (await front.api(front.admin.token).get('/api/admin/stats')).body.logLag as number;
    expect(await lag()).toBe(31);

    const writer = await start(env, databaseUrlOf(front));
    await eventually(async () => (await seqsOf(writer, chatId)).length >= 30, 'the late writer to write the backlog');
    await eventually(() => caughtUp(env.CHATFLOW_KAFKA_TOPIC, env.CHATFLOW_KAFKA_GROUP), 'the late writer to commit');
    await eventually(async () => (await lag()) === 0, 'the log lag to return to 0');
    expect(await seqsOf(writer, chatId)).toEqual(range(30));
    const ids = ((await writer.running.services.knex('messages').where({ chatId }).select('clientId')) as { clientId: string }[]).map((r) => r.clientId);
    expect(new Set(ids)).toEqual(new Set(clientIds));
  });
});

describe('the Kafka message log', () => {
  it('acks after the broker has the record, then every member gets each message once, in seq order', async () => {
    const env = kafkaEnv();
    const server = await start(env);
    const { users, chatId } = await groupWith(server, 4);
    const members = await Promise.all(users.map((u) => connect(server, u)));
    const PER_USER = 15;
    const acks = await Promise.all(members.flatMap((socket) => Array.from({ length: PER_USER }, () => send(socket, chatId))));
    const total = members.length * PER_USER;
    for (const ack of acks) {
      expect(ack).toMatchObject({ ok: true, id: expect.any(String) });
      expect(ack.seq).toBeUndefined();
    }
    // Acked means the broker holds it (whether or not the writer got to it yet).
    expect(await recordsIn(env.CHATFLOW_KAFKA_TOPIC)).toBe(total);

    for (const socket of members) {
      await socket.waitFor(() => socket.received('message:new').length >= total, 'every message');
    }
    await eventually(() => caughtUp(env.CHATFLOW_KAFKA_TOPIC, env.CHATFLOW_KAFKA_GROUP), 'the writer to commit');
    for (const socket of members) {
      const seen = socket.received<{ seq: number; id: string }>('message:new');
      expect(seen.map((m) => m.seq)).toEqual(range(total));
      expect(new Set(seen.map((m) => m.id))).toEqual(new Set(acks.map((a) => a.id)));
    }

    // A resend is acked with the same id and adds nothing once the writer has read it.
    const first = members[0]!.received<{ clientId: string; id: string }>('message:new').find((m) => acks.some((a) => a.id === m.id))!;
    const resent = await send(members[0]!, chatId, first.clientId);
    expect(resent).toMatchObject({ ok: true, id: first.id });
    await eventually(() => caughtUp(env.CHATFLOW_KAFKA_TOPIC, env.CHATFLOW_KAFKA_GROUP), 'the writer to commit the resend');
    expect(await seqsOf(server, chatId)).toEqual(range(total));
    expect(members[1]!.received('message:new')).toHaveLength(total);
  });

  it('keeps one gap-free order per chat while two writer replicas share the topic and the database', async () => {
    const env = kafkaEnv();
    const first = await start(env);
    const second = await start(env, databaseUrlOf(first));
    const replicas = [first, second];
    const chats = await Promise.all([groupWith(first, 3), groupWith(second, 3)]);
    // Every user on both replicas: a message is delivered by whichever replica's writer wrote it.
    const byUser = await Promise.all(chats.flatMap(({ users, chatId }) => users.map(async (user) => ({ chatId, user, sockets: await Promise.all(replicas.map((r) => connect(r, user))) }))));
    const PER_SOCKET = 10;
    await Promise.all(
      byUser.flatMap(({ chatId, sockets: own }) =>
        own.map(async (socket) => {
          for (let i = 0; i < PER_SOCKET; i += 5) {
            const acks = await Promise.all(Array.from({ length: 5 }, () => send(socket, chatId)));
            expect(acks.every((a) => a.ok)).toBe(true);
          }
        }),
      ),
    );
    const perChat = 3 * replicas.length * PER_SOCKET;
    for (const { chatId } of chats) {
      await eventually(async () => (await seqsOf(first, chatId)).length >= perChat, 'every message written');
    }
    await eventually(() => caughtUp(env.CHATFLOW_KAFKA_TOPIC, env.CHATFLOW_KAFKA_GROUP), 'the writers to commit');
    for (const { chatId } of chats) {
      expect(await seqsOf(first, chatId)).toEqual(range(perChat));
      const chat = (await first.running.services.knex('chats').where({ id: chatId }).first('lastSeq')) as { lastSeq: number };
      expect(Number(chat.lastSeq)).toBe(perChat);
    }
    for (const { chatId, sockets: own } of byUser) {
      await eventually(async () => own.reduce((n, s) => n + s.received('message:new').length, 0) >= perChat, 'each user to hear every message once');
      // Each replica announces only what it wrote, in commit order; together they cover the chat once.
      const heard = own.map((s) => s.received<{ seq: number; chatId: string }>('message:new').filter((m) => m.chatId === chatId).map((m) => m.seq));
      for (const seqs of heard) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(heard.flat().sort((a, b) => a - b)).toEqual(range(perChat));
    }
  });
});
