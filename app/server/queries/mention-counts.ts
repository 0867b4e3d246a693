import type { Knex } from 'knex';

/**
 * Unread mentions per member and chat: messages after the member's read watermark, not deleted, not
 * their own, that name them or everyone. One query for any number of chats; pass `userId` to count
 * for one member only (their chat list), or none for every member (chat events).
 */
export async function mentionCounts(knex: Knex, chatIds: string[], userId?: string): Promise<Map<string, Map<string, number>>> {
  const counts = new Map<string, Map<string, number>>();
  if (chatIds.length === 0) return counts;
  const result = await knex.raw<{ rows: { chatId: string; userId: string; count: number }[] }>(
    `SELECT cm.chat_id AS "chatId", cm.user_id AS "userId", count(*)::int AS count
       FROM chat_members cm
       JOIN messages m ON m.chat_id = cm.chat_id AND m.seq > cm.read_seq
      WHERE cm.chat_id = ANY(?::uuid[]) ${userId ? 'AND cm.user_id = ?' : ''}
        AND m.deleted_at IS NULL AND m.sender_id IS DISTINCT FROM cm.user_id
        AND (cm.user_id = ANY(m.mentions) OR m.mention_all IS NOT NULL)
      GROUP BY cm.chat_id, cm.user_id`,
    userId ? [chatIds, userId] : [chatIds],
  );
  for (const row of result.rows) {
    const perChat = counts.get(row.chatId) ?? new Map<string, number>();
    perChat.set(row.userId, row.count);
    counts.set(row.chatId, perChat);
  }
  return counts;
}
