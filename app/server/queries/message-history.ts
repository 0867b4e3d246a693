import type { Knex } from 'knex';
import type { MessageRecord } from '../presenters/message.ts';
import { withDetails } from './message-details.ts';

export const MESSAGE_COLUMNS = [
  'm.id', 'm.chatId', 'm.seq', 'm.clientId', 'm.senderId', 'u.name as senderName',
  'm.kind', 'm.body', 'm.createdAt', 'm.editedAt', 'm.deletedAt',
  'm.updateSeq', 'm.replyToId', 'm.mentions', 'm.mentionAll', 'm.event',
];

export const MAX_PAGE = 200;
export const MAX_SYNC_PER_CHAT = 500;

export type HistoryWindow = { afterSeq: number; limit: number } | { beforeSeq?: number; limit: number };

/**
 * A page of one chat's log, ascending. `afterSeq` is catch-up: every message created or changed
 * (edited, deleted, reacted to) after that seq, in the order of the entries that last changed them.
 */
export async function readHistory(knex: Knex, chatId: string, window: HistoryWindow) {
  const query = knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').where('m.chatId', chatId).limit(window.limit + 1);
  if ('afterSeq' in window) {
    const rows = await query.where('m.updateSeq', '>', window.afterSeq).orderBy('m.updateSeq', 'asc').select<MessageRecord[]>(MESSAGE_COLUMNS);
    return { messages: await withDetails(knex, rows.slice(0, window.limit)), hasMore: rows.length > window.limit };
  }
  if (window.beforeSeq !== undefined) query.where('m.seq', '<', window.beforeSeq);
  const rows = await query.orderBy('m.seq', 'desc').select<MessageRecord[]>(MESSAGE_COLUMNS);
  return { messages: await withDetails(knex, rows.slice(0, window.limit).reverse()), hasMore: rows.length > window.limit };
}

/**
 * Catch-up for many chats in one round trip: every message created or changed after each given
 * seq, ordered by the seq that last changed it, at most `limit` per chat (a client continues from
 * the last `updateSeq` it got). Callers pass only chats the user belongs to.
 */
export async function readSince(knex: Knex, positions: Map<string, number>, limit = MAX_SYNC_PER_CHAT) {
  if (positions.size === 0) return { messages: [] as MessageRecord[], hasMore: {} as Record<string, boolean> };
  const chatIds = [...positions.keys()];
  const seqs = chatIds.map((id) => positions.get(id)!);
  // Raw results are not renamed by the snake_case mappers: columns are aliased here.
  const result = await knex.raw<{ rows: MessageRecord[] }>(
    `SELECT m.id, m.chat_id AS "chatId", m.seq, m.client_id AS "clientId", m.sender_id AS "senderId",
            u.name AS "senderName", m.kind, m.body, m.created_at AS "createdAt", m.edited_at AS "editedAt",
            m.deleted_at AS "deletedAt", m.update_seq AS "updateSeq", m.reply_to_id AS "replyToId",
            m.mentions, m.mention_all AS "mentionAll", m.event
       FROM unnest(?::uuid[], ?::bigint[]) AS p(chat_id, after_seq)
       CROSS JOIN LATERAL (
         SELECT * FROM messages WHERE chat_id = p.chat_id AND update_seq > p.after_seq ORDER BY update_seq LIMIT ?
       ) m
       LEFT JOIN users u ON u.id = m.sender_id
      ORDER BY m.chat_id, m.update_seq`,
    [chatIds, seqs, limit + 1],
  );
  const hasMore: Record<string, boolean> = Object.fromEntries(chatIds.map((id) => [id, false]));
  const counts = new Map<string, number>();
  const messages: MessageRecord[] = [];
  for (const row of result.rows) {
    const count = (counts.get(row.chatId) ?? 0) + 1;
    counts.set(row.chatId, count);
    if (count > limit) hasMore[row.chatId] = true;
    else messages.push(row);
  }
  return { messages: await withDetails(knex, messages), hasMore };
}
