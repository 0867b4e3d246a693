import type { Knex } from 'knex';
import type { MessageRecord, ReactionGroup, ReplyPreview } from '../presenters/message.ts';

/**
 * Reactions and replied-to previews for a page of messages: two queries whatever the page size.
 * Mutates and returns the records so history, catch-up and the writer present the same thing.
 */
export async function withDetails<T extends MessageRecord>(knex: Knex, records: T[]): Promise<T[]> {
  if (records.length === 0) return records;
  const reactions = await reactionsOf(knex, records.map((r) => r.id));
  const replyIds = [...new Set(records.map((r) => r.replyToId).filter((id): id is string => Boolean(id)))];
  const replies = await replyPreviews(knex, replyIds);
  for (const record of records) {
    record.reactions = reactions.get(record.id) ?? [];
    record.replyTo = record.replyToId ? (replies.get(record.replyToId) ?? null) : null;
  }
  return records;
}

/** Reaction groups per message: emoji by their earliest reaction still there, reactors in log order. */
export async function reactionsOf(knex: Knex, messageIds: string[]): Promise<Map<string, ReactionGroup[]>> {
  const byMessage = new Map<string, ReactionGroup[]>();
  if (messageIds.length === 0) return byMessage;
  const result = await knex.raw<{ rows: { messageId: string; emoji: string; userIds: string[]; seqs: number[] }[] }>(
    `SELECT message_id AS "messageId", emoji, array_agg(user_id ORDER BY seq) AS "userIds", array_agg(seq ORDER BY seq) AS seqs
       FROM reactions WHERE message_id = ANY(?::uuid[])
      GROUP BY message_id, emoji
      ORDER BY message_id, min(seq)`,
    [messageIds],
  );
  for (const row of result.rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push({ emoji: row.emoji, userIds: row.userIds, seqs: row.seqs.map(Number) });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

export async function replyPreviews(knex: Knex, ids: string[]): Promise<Map<string, ReplyPreview>> {
  if (ids.length === 0) return new Map();
  const rows = (await knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').whereIn('m.id', ids)
    .select('m.id', 'm.senderId', 'u.name as senderName', 'm.body', 'm.deletedAt')) as { id: string; senderId: string | null; senderName: string | null; body: string; deletedAt: Date | null }[];
  return new Map(rows.map((r) => [r.id, { id: r.id, senderId: r.senderId, senderName: r.senderName, body: r.body, deleted: r.deletedAt !== null }]));
}
