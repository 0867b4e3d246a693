import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.ts';
import type { User } from '../models/user.ts';
import type { LogRecord } from '../pipeline/log-record.ts';
import { authorize } from '../policies/authorize.ts';
import { canDelete, canEdit, canMentionAll, canReact, type ActorFacts, type ChatFacts } from '../policies/message-policy.ts';
import { presentMessage, type MessageRecord, type PresentedMessage } from '../presenters/message.ts';
import { withDetails } from '../queries/message-details.ts';
import { loadMessageContext, type MessageContext } from '../queries/message-facts.ts';
import { MESSAGE_COLUMNS } from '../queries/message-history.ts';
import type { EditMessageInput } from '../schemas/message-schemas.ts';
import type { Services } from '../services.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Action = DistributiveOmit<Extract<LogRecord, { messageId: string }>, 'id' | 'chatId' | 'actorId' | 'acceptedAt'>;

/** Splits the client's mention list into member ids and @all / @here (checked for who may use them). */
export function splitMentions(mentions: string[] | undefined, actor: ActorFacts, chat: ChatFacts) {
  const list = mentions ?? [];
  const mentionAll = list.includes('all') ? 'all' : list.includes('here') ? 'here' : null;
  if (mentionAll) authorize(canMentionAll(actor, chat));
  return { mentions: [...new Set(list.filter((m) => m !== 'all' && m !== 'here'))], mentionAll: mentionAll as 'all' | 'here' | null };
}

async function requireMessage(services: Services, user: Pick<User, 'id' | 'role'>, messageId: string): Promise<MessageContext> {
  const context = await loadMessageContext(services.knex, messageId, user);
  // A message in a chat one is not in answers exactly like one that does not exist.
  if (!context || !context.actor.membership) throw notFound('Message');
  return context;
}

/** Appends an entry that acts on a message; entry ids are random, and replaying the record keeps its id. */
async function appendAction(services: Services, user: Pick<User, 'id' | 'role'>, context: MessageContext, action: Action) {
  return services.log.append({ ...action, id: randomUUID(), chatId: context.chatId, actorId: user.id, acceptedAt: new Date().toISOString() } as LogRecord);
}

async function loadRecord(services: Services, messageId: string): Promise<MessageRecord | undefined> {
  const rows = await services.knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').where('m.id', messageId).select<MessageRecord[]>(MESSAGE_COLUMNS);
  const [record] = await withDetails(services.knex, rows);
  return record;
}

/**
 * The author changes a message's text. With the in-process log the answer is the stored message;
 * with Kafka the writer has not run yet, so it is the message as the edit will leave it.
 */
export async function editMessage(services: Services, user: Pick<User, 'id' | 'role'>, input: EditMessageInput): Promise<PresentedMessage> {
  const context = await requireMessage(services, user, input.messageId);
  const { editWindowMinutes } = await services.settings.get();
  authorize(canEdit(context.actor, context.chat, context.message, editWindowMinutes, new Date()));
  const { mentions, mentionAll } = splitMentions(input.mentions, context.actor, context.chat);
  const acceptedAt = new Date();
  const { seq } = await appendAction(services, user, context, { type: 'message.edited', messageId: context.messageId, body: input.body, mentions, mentionAll });
  const record = await loadRecord(services, context.messageId);
  if (!record) throw notFound('Message');
  if (seq === undefined) Object.assign(record, { body: input.body, editedAt: acceptedAt, mentions, mentionAll });
  return presentMessage(record, [], user.id);
}

/** The author, a group owner or an admin takes a message back; its content is removed by the writer. */
export async function deleteMessage(services: Services, user: Pick<User, 'id' | 'role'>, messageId: string): Promise<void> {
  const context = await requireMessage(services, user, messageId);
  const { editWindowMinutes } = await services.settings.get();
  authorize(canDelete(context.actor, context.chat, context.message, editWindowMinutes, new Date()));
  if (context.message.deletedAt) return;
  await appendAction(services, user, context, { type: 'message.deleted', messageId: context.messageId });
}

/** Any member adds or removes an emoji reaction; doing it twice changes nothing. */
export async function setReaction(services: Services, user: Pick<User, 'id' | 'role'>, messageId: string, emoji: string, add: boolean): Promise<void> {
  const context = await requireMessage(services, user, messageId);
  authorize(canReact(context.actor, context.chat, context.message));
  await appendAction(services, user, context, { type: add ? 'reaction.added' : 'reaction.removed', messageId: context.messageId, emoji });
}
