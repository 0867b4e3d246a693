import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKraftBroker, type KraftBroker } from '../support/kafka-broker.ts';
import { kafkaTestEnv } from '../support/kafka-env.ts';
import { connectSocket } from '../support/socket-client.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from './message-stream.ts';

// A broker of this test's own, so that it can be killed without touching the suite's.
let broker: KraftBroker;
let server: TestServer;

beforeAll(async () => {
  broker = await startKraftBroker();
  server = await startTestServer({ env: kafkaTestEnv(broker.brokers) });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await broker?.stop();
}, 60_000);

describe('Kafka unreachable', () => {
  it('answers sends with a retryable error and no ack, and accepts the same send once Kafka is back', async () => {
    const [ann, ben] = [await server.createUser(), await server.createUser()];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const socket = await connectSocket(server.url, ann.token);
    try {
      expect(await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'before' })).toMatchObject({ ok: true });

      await broker.kill();
      const clientId = randomUUID();
      const refused = await socket.socket.timeout(30_000).emitWithAck('message:send', { chatId, clientId, body: 'during' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect((await server.api().get('/readyz')).body).toMatchObject({ checks: { kafka: 'failing' } });

      await broker.restart();
      let accepted: { ok: boolean; id?: string } = { ok: false };
      await until(async () => {
        accepted = (await socket.socket.timeout(15_000).emitWithAck('message:send', { chatId, clientId, body: 'during' }).catch(() => ({ ok: false }))) as typeof accepted;
        return accepted.ok;
      }, 'the send to be accepted again', 90_000);
      await until(async () => (await server.api(ben.token).get(`/api/chats/${chatId}/messages`)).body.messages.length === 2, 'both messages written', 60_000);
      const history = await server.api(ben.token).get(`/api/chats/${chatId}/messages`);
      expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['before', 'during']);
      expect(history.body.messages[1].id).toBe(accepted.id);
    } finally {
      socket.close();
    }
  });
});
