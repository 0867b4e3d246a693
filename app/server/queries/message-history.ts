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

// Raw results are not renamed by the snake_case mappers: columns are aliased here.
const RAW_MESSAGE_COLUMNS = `m.id, m.chat_id AS "chatId", m.seq, m.client_id AS "clientId", m.sender_id AS "senderId",
            u.name AS "senderName", m.kind, m.body, m.created_at AS "createdAt", m.edited_at AS "editedAt",
            m.deleted_at AS "deletedAt", m.update_seq AS "updateSeq", m.reply_to_id AS "replyToId",
            m.mentions, m.mention_all AS "mentionAll", m.event`;

/**
 * A page of one chat's log, ascending, for a member; null when the user is not in the chat. The
 * membership and the page are one round trip: the page is joined to the user's membership row, so
 * a member gets at least one row (all null when the page is empty) and anyone else none. `afterSeq`
 * is catch-up: every message created or changed (edited, deleted, reacted to) after that seq, in
 * the order of the entries that last changed them; both windows walk an index on (chat_id, seq)
 * or (chat_id, update_seq) from the cursor, so the plan never sorts the chat's later rows.
 */
export async function readMemberHistory(knex: Knex, chatId: string, userId: string, window: HistoryWindow) {
  const after = 'afterSeq' in window;
  const page = after
    ? { where: 'update_seq > ?', order: 'update_seq ASC', bindings: [window.afterSeq] }
    : window.beforeSeq !== undefined
      ? { where: 'seq < ?', order: 'seq DESC', bindings: [window.beforeSeq] }
      : { where: 'true', order: 'seq DESC', bindings: [] };
  const result = await knex.raw<{ rows: (MessageRecord | { id: null })[] }>(
    `SELECT ${RAW_MESSAGE_COLUMNS}
       FROM chat_members cm
       LEFT JOIN LATERAL (
         SELECT * FROM messages WHERE chat_id = cm.chat_id AND ${page.where} ORDER BY ${page.order} LIMIT ?
       ) m ON true
       LEFT JOIN users u ON u.id = m.sender_id
      WHERE cm.chat_id = ? AND cm.user_id = ?
      ORDER BY m.${page.order}`,
    [...page.bindings, window.limit + 1, chatId, userId],
  );
  if (result.rows.length === 0) return null;
  const rows = result.rows.filter((row): row is MessageRecord => row.id !== null);
  const kept = rows.slice(0, window.limit);
  return { messages: await withDetails(knex, after ? kept : kept.reverse()), hasMore: rows.length > window.limit };
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
  const result = await knex.raw<{ rows: MessageRecord[] }>(
    `SELECT ${RAW_MESSAGE_COLUMNS}
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
