import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The baselines write into `bench_sink`: a copy of the messages table with its indexes, defaults,
 * checks and generated search column (LIKE ... INCLUDING ALL), but no foreign keys or triggers.
 */
export async function createSink(client: pg.Client): Promise<void> {
  await client.query('DROP TABLE IF EXISTS bench_sink');
  await client.query('CREATE TABLE bench_sink (LIKE messages INCLUDING ALL)');
}

export interface SinkRow {
  id: string;
  chatId: string;
  seq: number;
  senderId: string;
  clientId: string;
  body: string;
  createdAt: string;
}

const COLUMNS = ['id', 'chat_id', 'seq', 'sender_id', 'client_id', 'kind', 'body', 'created_at', 'update_seq'];

export function sinkRows(count: number, chatIds: string[], senderIds: string[], offset = 0): SinkRow[] {
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    return {
      id: randomUUID(),
      chatId: chatIds[i % chatIds.length]!,
      seq: 1 + Math.floor(i / chatIds.length),
      senderId: senderIds[i % senderIds.length]!,
      clientId: randomUUID(),
      body: `baseline message ${i} alpha bravo charlie`,
      createdAt: new Date().toISOString(),
    };
  });
}

/** One multi-row INSERT ... VALUES statement, as the writer issues. */
export async function insertRows(client: pg.Client, rows: SinkRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    const base = values.length;
    values.push(r.id, r.chatId, r.seq, r.senderId, r.clientId, 'text', r.body, r.createdAt, r.seq);
    return `(${COLUMNS.map((_, c) => `$${base + c + 1}`).join(',')})`;
  });
  await client.query(`INSERT INTO bench_sink (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}`, values);
}
