import { invalidInput, notFound } from '../errors.ts';
import type { MemberRole } from '../models/chat-member.ts';
import type { User } from '../models/user.ts';
import { messageIdFor } from '../pipeline/message-ids.ts';
import { authorizeAttachmentsToSend } from '../policies/attachment-policy.ts';
import type { SendMessageInput } from '../schemas/message-schemas.ts';
import type { Services } from '../services.ts';
import { splitMentions } from './message-actions.ts';

/**
 * Accepts one message into the log for a member (callers check membership). The sender is always
 * the verified user; the id follows from sender + clientId, so a retry returns the same id.
 * Mentions name member ids (the writer keeps only members); replies and @all cost a lookup here,
 * a plain message none.
 */
export async function sendMessage(services: Services, sender: Pick<User, 'id' | 'role'>, input: SendMessageInput) {
  await services.limits.consume('send', sender.id);
  const attachmentIds = input.attachmentIds ?? [];
  const replyToId = input.replyToId ?? null;
  if (replyToId) {
    const target = (await services.knex('messages').where({ id: replyToId, chatId: input.chatId }).whereNull('deletedAt').first('id')) as { id: string } | undefined;
    if (!target) throw invalidInput('replyToId: not a message of this chat');
  }
  const wantsEveryone = input.mentions?.some((m) => m === 'all' || m === 'here') ?? false;
  const facts = wantsEveryone ? await chatFactsFor(services, input.chatId, sender) : null;
  const { mentions, mentionAll } = facts ? splitMentions(input.mentions, facts.actor, facts.chat) : { mentions: [...new Set(input.mentions ?? [])], mentionAll: null };
  const id = messageIdFor(sender.id, input.clientId);
  await authorizeAttachmentsToSend(services.knex, sender.id, id, attachmentIds);
  const { seq } = await services.log.append({
    type: 'message.created',
    id,
    chatId: input.chatId,
    actorId: sender.id,
    clientId: input.clientId,
    kind: attachmentIds.length > 0 ? 'media' : 'text',
    body: input.body ?? '',
    attachmentIds,
    replyToId,
    mentions,
    mentionAll,
    acceptedAt: new Date().toISOString(),
  });
  return { clientId: input.clientId, id, ...(seq !== undefined ? { seq } : {}) };
}

async function chatFactsFor(services: Services, chatId: string, user: Pick<User, 'id' | 'role'>) {
  const row = (await services.knex('chatMembers as m').join('chats as c', 'c.id', 'm.chatId').where({ 'm.chatId': chatId, 'm.userId': user.id })
    .first('m.role', 'c.kind', 'c.archivedAt')) as { role: MemberRole; kind: 'direct' | 'group'; archivedAt: Date | null } | undefined;
  if (!row) throw notFound('Chat');
  return {
    actor: { userId: user.id, isAdmin: user.role === 'admin', membership: { role: row.role } },
    chat: { kind: row.kind, archived: row.archivedAt !== null },
  };
}
