import { Kafka, logLevel } from 'kafkajs';
import { expect, inject, it } from 'vitest';
import { useBrowserWorld } from '../support/browser-world.ts';
import { kafkaTestEnv } from '../support/kafka-env.ts';
import { startTestServer } from '../support/test-server.ts';
import { connectBot, createDirect, poll, sendViaSocket } from './helpers.ts';

// A front replica with the Kafka log and no writer: what is sent waits in the topic as lag.
const LOG_ENV = kafkaTestEnv();
const world = useBrowserWorld({ alice: 'Alice Lag' }, { env: { ...LOG_ENV, CHATFLOW_ROLES: 'web,realtime' } });

/** Records in the topic by the broker's own offsets: what was sent, written or not. */
async function recordsIn(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'admin-log-lag-test', brokers: inject('kafkaBrokers').split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

it('shows the records no writer has written as the log lag on the dashboard, and 0 once a writer runs', async () => {
  const { server } = world;
  const { alice } = world.users;
  const chatId = await createDirect(server.url, alice.token, server.admin.user.id);
  const bot = await connectBot(server.url, alice.token);
  for (let i = 1; i <= 7; i++) expect((await sendViaSocket(bot, chatId, `waiting ${i}`)).ok).toBe(true);
  bot.disconnect();
  const sent = await recordsIn(LOG_ENV.CHATFLOW_KAFKA_TOPIC!);
  expect(sent).toBeGreaterThanOrEqual(7);

  const { page, errors } = await world.open(server.admin);
  await page.goto('/admin');
  await page.getByTestId('admin-shell').waitFor();
  await poll(() => page.getByTestId('stat-log-lag-value').textContent(), 20_000).toBe(String(sent));

  const connection = server.running.services.knex.client.config.connection as { connectionString: string };
  const writer = await startTestServer({ databaseUrl: connection.connectionString, env: LOG_ENV });
  try {
    // The dashboard refreshes by itself every few seconds.
    await poll(() => page.getByTestId('stat-log-lag-value').textContent(), 40_000).toBe('0');
  } finally {
    await writer.close();
  }
  expect(errors).toEqual([]);
});
