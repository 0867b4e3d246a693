import pg from 'pg';
import type { BenchContext } from '../lib/context.ts';
import type { SenderSetup } from '../lib/senders.ts';
import { createSink, insertRows, sinkRows } from '../lib/sink.ts';
import { sleep, spread } from '../lib/stats.ts';
import { withClient } from '../lib/seed.ts';

const LIGHT = { senders: 10, perSocket: 100, pauseMs: 20 };
export const SENDERS = 20;
const BURST = { senders: SENDERS, perSocket: 500, window: 25 };
const STATEMENT_ROWS = 500;

/**
 * Light-load ack (10 senders, one message in flight each) against a single-row INSERT commit on
 * the same PostgreSQL, and throughput (20 senders x 25 in flight) against multi-row INSERTs.
 */
export async function runAcks(context: BenchContext, setup: SenderSetup, which: { ack: boolean; throughput: boolean }): Promise<void> {
  const { seeded, database } = setup;
  await withClient(database.url, createSink);
  if (which.ack) {
    const replies = await setup.pool.closed(LIGHT.senders, LIGHT.perSocket, 1, LIGHT.pauseMs);
    const cf = spread(replies.flatMap((r) => Array.from(r.ack)));
    // The same shape straight to PostgreSQL: 10 connections, one autocommitted INSERT at a time.
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: LIGHT.senders }, (_, s) =>
        withClient(database.url, async (client) => {
          for (let i = 0; i < LIGHT.perSocket; i++) {
            const rows = sinkRows(1, seeded.chatIds, seeded.userIds, s * LIGHT.perSocket + i);
            const t0 = performance.now();
            await insertRows(client, rows);
            latencies.push(performance.now() - t0);
            await sleep(LIGHT.pauseMs);
          }
        }),
      ),
    );
    const base = spread(latencies);
    context.log(`  light-load ack p50/p99 ${cf.p50.toFixed(1)}/${cf.p99.toFixed(1)} ms; single-row INSERT ${base.p50.toFixed(1)}/${base.p99.toFixed(1)} ms`);
    const scenario = 'light-load ack (10 senders, 1 in flight)';
    const baselineLabel = 'single-row INSERT commit';
    context.figures.push(
      { id: 'ack.p50', scenario, label: 'ack p50', unit: 'ms', chatFlow: cf.p50, baseline: base.p50, baselineLabel, better: 'lower' },
      { id: 'ack.p99', scenario, label: 'ack p99', unit: 'ms', chatFlow: cf.p99, baseline: base.p99, baselineLabel, better: 'lower', target: { op: '<=', value: 3, of: 'ratio' } },
    );
  }
  if (which.throughput) {
    const replies = await setup.pool.closed(BURST.senders, BURST.perSocket, BURST.window, 0);
    const acked = replies.reduce((n, r) => n + r.acked, 0);
    const seconds = Math.max(...replies.map((r) => r.seconds));
    const total = BURST.senders * BURST.perSocket;
    const rows = sinkRows(total, seeded.chatIds, seeded.userIds, 1_000_000);
    const insertSeconds = await withClient(database.url, async (client: pg.Client) => {
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += STATEMENT_ROWS) await insertRows(client, rows.slice(i, i + STATEMENT_ROWS));
      return (performance.now() - t0) / 1000;
    });
    context.log(`  throughput ${Math.round(acked / seconds)} acked msg/s (${acked}/${total}); multi-row INSERT ${Math.round(total / insertSeconds)} rows/s`);
    context.figures.push({
      id: 'throughput.acked', scenario: 'throughput (20 senders x 25 in flight)', label: 'acked messages/s', unit: '/s', chatFlow: acked / seconds, baseline: total / insertSeconds,
      baselineLabel: `multi-row INSERT, ${STATEMENT_ROWS} rows each`, better: 'higher', note: `${total} messages${acked < total ? `, ${total - acked} refused` : ''}`,
    });
  }
}
