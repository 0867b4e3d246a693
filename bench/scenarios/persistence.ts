import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { metricsText, metricValue } from '../lib/chat-flow-process.ts';
import type { BenchContext } from '../lib/context.ts';
import { freshDatabase, kafka } from '../lib/environment.ts';
import { FULL } from '../lib/options.ts';
import { SENDERS } from './acks.ts';
import { senderSetup, type SenderSetup } from '../lib/senders.ts';
import { createSink, insertRows, sinkRows, type SinkRow } from '../lib/sink.ts';
import { until, within } from '../lib/stats.ts';
import { withClient } from '../lib/seed.ts';

const WINDOW = 25;
const STATEMENT_ROWS = 500;
const DEADLINE_MS = 600_000;

interface WriterRun {
  rowsPerSecond: number;
  meanBatchRecords: number;
  meanBatchMs: number;
  batches: number;
}

async function countRows(client: pg.Client, table: string): Promise<number> {
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

/** N messages sent over sockets until all N rows are committed; rows/s end to end, and the writer's batches from /metrics. */
async function throughLog(context: BenchContext, name: string, setup: SenderSetup, messages: number): Promise<WriterRun> {
  const perSocket = Math.ceil(messages / SENDERS);
  const total = perSocket * SENDERS;
  return await withClient(setup.database.url, async (client) => {
    // The setup may have carried other runs already: only this run's rows count.
    const already = await countRows(client, 'messages');
    const before = await metricsText(setup.server.url);
    const t0 = performance.now();
    const sending = setup.pool.closed(SENDERS, perSocket, WINDOW, 0, DEADLINE_MS);
    const written = await until(async () => (await countRows(client, 'messages')) - already >= total, DEADLINE_MS, 100);
    const seconds = (performance.now() - t0) / 1000;
    await sending;
    if (!written) throw new Error(`${name}: only ${(await countRows(client, 'messages')) - already}/${total} rows written within ${DEADLINE_MS} ms`);
    const after = await metricsText(setup.server.url);
    const delta = (metric: string) => metricValue(after, metric) - metricValue(before, metric);
    const batches = delta('chatflow_writer_batch_records_count');
    const run = {
      rowsPerSecond: total / seconds,
      batches,
      meanBatchRecords: batches ? delta('chatflow_writer_batch_records_sum') / batches : 0,
      meanBatchMs: batches ? (delta('chatflow_writer_batch_seconds_sum') / batches) * 1000 : 0,
    };
    context.log(`  ${name}: ${total} rows in ${seconds.toFixed(1)} s = ${Math.round(run.rowsPerSecond)} rows/s; ${batches} writer batches, mean ${run.meanBatchRecords.toFixed(0)} records, ${run.meanBatchMs.toFixed(1)} ms`);
    return run;
  });
}

/** The floor for a Kafka-fed writer: kafkajs produces the rows, an eachBatch consumer INSERTs them. */
async function kafkaSink(url: string, brokers: string, rows: SinkRow[]): Promise<{ rowsPerSecond: number; meanBatch: number; meanBatchMs: number }> {
  const topic = `bench-sink-${randomBytes(4).toString('hex')}`;
  const client = new Kafka({ clientId: 'bench-sink', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = client.consumer({ groupId: `${topic}-writer`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const db = new pg.Client({ connectionString: url });
  await Promise.all([producer.connect(), consumer.connect(), db.connect()]);
  let inserted = 0;
  const batchMs: number[] = [];
  const batchSizes: number[] = [];
  try {
    await createSink(db);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const t0 = performance.now();
        const decoded = batch.messages.map((m) => JSON.parse(m.value!.toString()) as SinkRow);
        for (let i = 0; i < decoded.length; i += STATEMENT_ROWS) await insertRows(db, decoded.slice(i, i + STATEMENT_ROWS));
        resolveOffset(batch.messages.at(-1)!.offset);
        await heartbeat();
        inserted += decoded.length;
        batchMs.push(performance.now() - t0);
        batchSizes.push(decoded.length);
      },
    });
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += STATEMENT_ROWS) {
      await producer.send({ topic, acks: -1, messages: rows.slice(i, i + STATEMENT_ROWS).map((r) => ({ key: r.chatId, value: JSON.stringify(r) })) });
    }
    if (!(await until(() => inserted >= rows.length, DEADLINE_MS, 20))) throw new Error(`kafkajs sink: ${inserted}/${rows.length} rows within ${DEADLINE_MS} ms`);
    const seconds = (performance.now() - t0) / 1000;
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    return { rowsPerSecond: rows.length / seconds, meanBatch: sum(batchSizes) / batchSizes.length, meanBatchMs: sum(batchMs) / batchMs.length };
  } finally {
    await within(30_000, 'the kafkajs sink stop', Promise.all([consumer.disconnect(), producer.disconnect()])).catch(() => undefined);
    await db.end();
  }
}

/**
 * Persistence: N messages through each message log (in-process, Kafka) into PostgreSQL, end to
 * end, against raw multi-row INSERTs of the same rows and a bare kafkajs-to-PostgreSQL sink.
 */
export async function runPersistence(context: BenchContext, single: SenderSetup): Promise<void> {
  const n = context.options.messages;
  const size = n < FULL.messages ? `${n} messages (full size ${FULL.messages})` : `${n} messages`;
  context.log(`persistence: ${size} through each log`);
  const brokers = (await kafka()).brokers;
  const inProcess = await throughLog(context, 'in-process log', single, n);
  const kafkaSetup = await senderSetup('persist', SENDERS, context.options.workers, { kafkaBrokers: brokers, kafkaTopic: `bench-persist-${randomBytes(4).toString('hex')}` });
  let viaKafka: WriterRun;
  try {
    viaKafka = await throughLog(context, 'Kafka log', kafkaSetup, n);
  } finally {
    await kafkaSetup.close();
  }

  const { raw, sink } = await (async () => {
    const database = await freshDatabase('sink');
    try {
      await withClient(database.url, async (client) => {
        // The messages table as the migrations leave it, minus foreign keys and trigger: bench_sink copies it.
        await client.query(`CREATE TABLE messages (id uuid PRIMARY KEY, chat_id uuid NOT NULL, seq bigint NOT NULL, sender_id uuid, client_id text NOT NULL,
          kind text NOT NULL DEFAULT 'text', body text NOT NULL DEFAULT '', created_at timestamptz NOT NULL DEFAULT now(), edited_at timestamptz, deleted_at timestamptz,
          update_seq bigint NOT NULL, reply_to_id uuid, mentions uuid[] NOT NULL DEFAULT '{}', mention_all text, event jsonb,
          search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED,
          UNIQUE (chat_id, seq), UNIQUE (sender_id, client_id))`);
        await client.query(`CREATE INDEX ON messages USING gin (search_vector) WHERE deleted_at IS NULL AND kind <> 'system'`);
        await client.query('CREATE INDEX ON messages (chat_id, update_seq)');
        await client.query('CREATE INDEX ON messages USING brin (created_at)');
      });
      const chatIds = Array.from({ length: SENDERS / 5 }, () => randomUUID());
      const senderIds = Array.from({ length: SENDERS }, () => randomUUID());
      const rows = sinkRows(n, chatIds, senderIds);
      const rawSeconds = await withClient(database.url, async (client) => {
        await createSink(client);
        const t0 = performance.now();
        for (let i = 0; i < rows.length; i += STATEMENT_ROWS) await insertRows(client, rows.slice(i, i + STATEMENT_ROWS));
        return (performance.now() - t0) / 1000;
      });
      const sinkRun = await kafkaSink(database.url, brokers, sinkRows(n, chatIds, senderIds, n));
      return { raw: n / rawSeconds, sink: sinkRun };
    } finally {
      await database.drop();
    }
  })();
  context.log(`  raw multi-row INSERT ${Math.round(raw)} rows/s; kafkajs sink ${Math.round(sink.rowsPerSecond)} rows/s (mean batch ${sink.meanBatch.toFixed(0)} rows, ${sink.meanBatchMs.toFixed(1)} ms)`);
  const scenario = 'persistence (socket send to committed row)';
  const batchNote = (run: WriterRun) => `${size}; writer batches: ${run.batches}, mean ${run.meanBatchRecords.toFixed(0)} records, ${run.meanBatchMs.toFixed(1)} ms`;
  context.figures.push(
    { id: 'persistence.in-process', scenario, label: 'in-process log: rows/s end to end', unit: 'rows/s', chatFlow: inProcess.rowsPerSecond, baseline: raw,
      baselineLabel: `raw multi-row INSERT, ${STATEMENT_ROWS} rows each`, better: 'higher', target: { op: '>=', value: 0.5, of: 'ratio' }, note: batchNote(inProcess) },
    { id: 'persistence.kafka', scenario, label: 'Kafka log: rows/s end to end', unit: 'rows/s', chatFlow: viaKafka.rowsPerSecond, baseline: sink.rowsPerSecond,
      baselineLabel: 'kafkajs eachBatch sink, multi-row INSERT', better: 'higher', target: { op: '>=', value: 0.7, of: 'ratio' },
      note: `${batchNote(viaKafka)}; sink batches mean ${sink.meanBatch.toFixed(0)} rows, ${sink.meanBatchMs.toFixed(1)} ms` },
    { id: 'persistence.kafka.batch-ms', scenario, label: 'Kafka log: mean writer batch time', unit: 'ms', chatFlow: viaKafka.meanBatchMs, baseline: sink.meanBatchMs,
      baselineLabel: 'kafkajs sink batch', better: 'lower' },
  );
}
