import type { Knex } from 'knex';
import { isUuid } from '../ids.ts';
import type { MemberRole } from '../models/chat-member.ts';
import type { User } from '../models/user.ts';
import type { ActorFacts, ChatFacts, MessageFacts } from '../policies/message-policy.ts';

export interface MessageContext {
  messageId: string;
  chatId: string;
  actor: ActorFacts;
  chat: ChatFacts;
  message: MessageFacts;
}

/**
 * A message with its chat and the user's membership, in one query, for the policies. A message of
 * a chat the user is not in comes back with `membership: null` (policies answer 404); a missing
 * one as null.
 */
export async function loadMessageContext(knex: Knex, messageId: string, user: Pick<User, 'id' | 'role'>): Promise<MessageContext | null> {
  if (!isUuid(messageId)) return null;
  const row = (await knex('messages as m')
    .join('chats as c', 'c.id', 'm.chatId')
    .leftJoin('chatMembers as cm', (join) => join.on('cm.chatId', 'm.chatId').andOnVal('cm.userId', user.id))
    .where('m.id', messageId)
    .first('m.id', 'm.chatId', 'm.senderId', 'm.kind', 'm.createdAt', 'm.deletedAt', 'c.kind as chatKind', 'c.archivedAt', 'cm.role')) as
    | { id: string; chatId: string; senderId: string | null; kind: MessageFacts['kind']; createdAt: Date; deletedAt: Date | null; chatKind: ChatFacts['kind']; archivedAt: Date | null; role: MemberRole | null }
    | undefined;
  if (!row) return null;
  return {
    messageId: row.id,
    chatId: row.chatId,
    actor: { userId: user.id, isAdmin: user.role === 'admin', membership: row.role ? { role: row.role } : null },
    chat: { kind: row.chatKind, archived: row.archivedAt !== null },
    message: { senderId: row.senderId, kind: row.kind, createdAt: row.createdAt, deletedAt: row.deletedAt },
  };
}
