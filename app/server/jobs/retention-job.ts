import type { Knex } from 'knex';
import { removeAttachments } from '../commands/attachment-remover.ts';
import { announceChat } from '../commands/chat-events.ts';
import { memberIdsOf } from '../commands/chat-commands.ts';
import type { Services } from '../services.ts';
import type { Job, JobReport } from './job-scheduler.ts';

export const RETENTION_JOB = 'retention';
const INTERVAL_MS = 15 * 60_000;
/** Rows per DELETE: short statements that never hold many locks or stall the writer. */
const BATCH = 1000;
/** A run stops starting batches after this long; the next run goes on where it stopped. */
const TIME_BUDGET_MS = 20_000;
/** Where the last run's report is kept, so every replica's console shows the same. */
const LAST_RUN_KEY = 'job.retention.lastRun';

export interface RetentionReport extends JobReport {
  finishedAt: string;
  retentionDays: number;
  removed: number;
  attachments: number;
  chats: number;
  complete: boolean;
}

export interface RetentionOptions {
  now?: () => Date;
}

interface DeletedChat {
  chatId: string;
  maxSeq: number;
  count: number;
}

/**
 * Deletes one batch of messages older than the cutoff and, in the same transaction, repairs the
 * chats it touched: a chat whose last message went gets its newest remaining one (or none) as
 * preview, and members' read and delivered marks move past the removed seqs, so what is gone is
 * never counted as unread. Seqs are not reused, so history and catch-up simply start later.
 */
async function deleteBatch(knex: Knex, cutoff: Date) {
  return knex.transaction(async (trx) => {
    // One statement: the CTEs share a snapshot, so the attachments are read before the delete unlinks them.
    const { rows } = (await trx.raw(
      `WITH doomed AS (
         SELECT id FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED
       ), released AS (
         SELECT a.id FROM attachments a JOIN doomed d ON a.message_id = d.id
       ), deleted AS (
         DELETE FROM messages m USING doomed d WHERE m.id = d.id RETURNING m.chat_id, m.seq
       )
       SELECT 'chat' AS kind, chat_id::text AS id, max(seq)::bigint AS top, count(*)::int AS count FROM deleted GROUP BY chat_id
       UNION ALL
       SELECT 'attachment', id::text, NULL, NULL FROM released`,
      [cutoff, BATCH],
    )) as { rows: { kind: string; id: string; top: string | null; count: number | null }[] };
    const chats: DeletedChat[] = rows.filter((r) => r.kind === 'chat').map((r) => ({ chatId: r.id, maxSeq: Number(r.top), count: r.count ?? 0 }));
    const attachmentIds = rows.filter((r) => r.kind === 'attachment').map((r) => r.id);
    if (chats.length === 0) return { chats, attachmentIds, removed: 0 };
    const chatIds = chats.map((c) => c.chatId).sort();
    // Chat rows are locked in sorted order, as the message writer does, before their pointers change.
    await trx('chats').whereIn('id', chatIds).orderBy('id').forUpdate().select('id');
    await trx.raw(
      `UPDATE chats c SET last_message_id = latest.id, last_message_at = latest.created_at
       FROM (SELECT ch.id AS chat_id, l.id, l.created_at FROM chats ch
             LEFT JOIN LATERAL (SELECT id, created_at FROM messages WHERE chat_id = ch.id ORDER BY seq DESC LIMIT 1) l ON true
             WHERE ch.id = ANY(?::uuid[])) latest
       WHERE c.id = latest.chat_id AND c.last_message_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM messages WHERE id = c.last_message_id)`,
      [chatIds],
    );
    await trx.raw(
      `UPDATE chat_members m SET read_seq = greatest(m.read_seq, d.max_seq), delivered_seq = greatest(m.delivered_seq, d.max_seq)
       FROM unnest(?::uuid[], ?::bigint[]) AS d(chat_id, max_seq)
       WHERE m.chat_id = d.chat_id AND (m.read_seq < d.max_seq OR m.delivered_seq < d.max_seq)`,
      [chats.map((c) => c.chatId), chats.map((c) => c.maxSeq)],
    );
    return { chats, attachmentIds, removed: chats.reduce((sum, c) => sum + c.count, 0) };
  });
}

/** One retention pass: bounded batches within the time budget; members of touched chats hear chat:updated. */
export async function runRetention(services: Services, options: RetentionOptions = {}): Promise<RetentionReport | { retentionDays: number; removed: number }> {
  const { retentionDays } = await services.settings.get();
  if (!retentionDays) return { retentionDays: 0, removed: 0 };
  const now = options.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const started = Date.now();
  const touched = new Set<string>();
  let removed = 0;
  let attachments = 0;
  let complete = false;
  while (Date.now() - started < TIME_BUDGET_MS) {
    const batch = await deleteBatch(services.knex, cutoff);
    removed += batch.removed;
    attachments += batch.attachmentIds.length;
    for (const chat of batch.chats) touched.add(chat.chatId);
    // The removed messages' files: their rows (unlinked by the delete) and the stored objects.
    if (batch.attachmentIds.length) await removeAttachments(services, { attachmentIds: batch.attachmentIds });
    if (batch.removed < BATCH) {
      complete = true;
      break;
    }
  }
  for (const chatId of touched) await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
  const report: RetentionReport = { finishedAt: new Date().toISOString(), retentionDays, removed, attachments, chats: touched.size, complete };
  await services.knex('settings').insert({ key: LAST_RUN_KEY, value: JSON.stringify(report), updatedAt: new Date() }).onConflict('key').merge(['value', 'updatedAt']);
  return report;
}

/** The report of the last retention run on any replica, or null before the first. */
export async function lastRetentionRun(knex: Knex): Promise<RetentionReport | null> {
  const row = (await knex('settings').where({ key: LAST_RUN_KEY }).first('value')) as { value: RetentionReport } | undefined;
  return row?.value ?? null;
}

/** The retention job for the scheduler: one replica at a time, every INTERVAL_MS. */
export function retentionJob(services: Services, options: RetentionOptions = {}): Job {
  return { name: RETENTION_JOB, intervalMs: INTERVAL_MS, run: () => runRetention(services, options) };
}
