import { hidden, refuse, type Decision } from '../../policies/authorize.ts';
import { canDelete, canEdit, canMentionAll, canReact, canSend, type ChatFacts } from '../../policies/message-policy.ts';
import type { SystemEvent } from '../../presenters/message.ts';
import type { LogRecord, MessageCreatedRecord, MessageDeletedRecord, MessageEditedRecord, NoticeRecord, ReactionRecord } from '../log-record.ts';
import type { ChatState, HeldMessage, WriterBatch } from './writer-batch.ts';

/** At most this many different emoji on one message. */
export const MAX_REACTION_EMOJI = 20;

export interface ApplyContext {
  batch: WriterBatch;
  chat: ChatState;
  seq: number;
  editWindowMinutes: number | null;
}

/** What applying one entry came to: written (changing this message), nothing to change, or refused. */
export type Applied = { status: 'written'; message: HeldMessage } | { status: 'unchanged' } | { status: 'refused'; decision: Decision & { ok: false } };

const refused = (decision: Decision): Applied => ({ status: 'refused', decision: decision as Decision & { ok: false } });

const chatFacts = (chat: ChatState): ChatFacts => ({ kind: chat.kind, archived: chat.archivedAt !== null });

/** One small apply per entry type; each re-checks the entry's policy against the locked rows. */
export function applyEntry(record: LogRecord, ctx: ApplyContext): Applied {
  switch (record.type) {
    case 'message.created':
      return applyMessageCreated(record, ctx);
    case 'message.edited':
      return applyMessageEdited(record, ctx);
    case 'message.deleted':
      return applyMessageDeleted(record, ctx);
    case 'reaction.added':
    case 'reaction.removed':
      return applyReaction(record, ctx);
    default:
      return applyNotice(record, ctx);
  }
}

function applyMessageCreated(record: MessageCreatedRecord, { batch, chat, seq }: ApplyContext): Applied {
  const actor = batch.actor(record.chatId, record.actorId);
  const sending = canSend(actor, chatFacts(chat));
  if (!sending.ok) return refused(sending);
  const target = record.replyToId ? batch.messages.get(record.replyToId) : undefined;
  if (record.replyToId && (!target || target.chatId !== record.chatId || target.deletedAt)) {
    return refused(refuse('invalid_input', 'replyToId: not a message of this chat'));
  }
  if (record.mentionAll) {
    const everyone = canMentionAll(actor, chatFacts(chat));
    if (!everyone.ok) return refused(everyone);
  }
  const message: HeldMessage = {
    id: record.id,
    chatId: record.chatId,
    seq,
    clientId: record.clientId,
    senderId: record.actorId,
    senderName: batch.actorName(record.actorId),
    kind: record.kind,
    body: record.body,
    createdAt: batch.now,
    editedAt: null,
    deletedAt: null,
    updateSeq: seq,
    replyToId: record.replyToId,
    replyTo: target ? { id: target.id, senderId: target.senderId, senderName: target.senderName, body: target.body, deleted: false } : null,
    mentions: memberMentions(batch, record.chatId, record.mentions),
    mentionAll: record.mentionAll,
    event: null,
    reactions: [],
  };
  batch.create(message);
  return { status: 'written', message };
}

/** A notice is authorized by the command that made the change, so only the chat must exist. */
function applyNotice(record: NoticeRecord, { batch, seq }: ApplyContext): Applied {
  const message: HeldMessage = {
    id: record.id,
    chatId: record.chatId,
    seq,
    clientId: record.clientId,
    senderId: record.actorId,
    senderName: batch.actorName(record.actorId),
    kind: 'system',
    body: record.body,
    createdAt: batch.now,
    editedAt: null,
    deletedAt: null,
    updateSeq: seq,
    replyToId: null,
    replyTo: null,
    mentions: [],
    mentionAll: null,
    event: eventOf(record),
    reactions: [],
  };
  batch.create(message);
  return { status: 'written', message };
}

function eventOf(record: NoticeRecord): SystemEvent | null {
  switch (record.type) {
    case 'member.added':
    case 'member.removed':
      return { type: record.type, actorId: record.actorId, userIds: record.userIds };
    case 'chat.renamed':
      return { type: record.type, actorId: record.actorId, userIds: [], name: record.name };
    case 'chat.archived':
      return { type: record.type, actorId: record.actorId, userIds: [], archived: record.archived };
    default:
      return null;
  }
}

/** The message an entry acts on, if it is one of this chat's; anything else answers like a missing one. */
function targetOf(batch: WriterBatch, chatId: string, messageId: string): HeldMessage | null {
  const message = batch.messages.get(messageId);
  return message && message.chatId === chatId ? message : null;
}

function applyMessageEdited(record: MessageEditedRecord, { batch, chat, seq, editWindowMinutes }: ApplyContext): Applied {
  const message = targetOf(batch, record.chatId, record.messageId);
  if (!message) return refused(hidden('Message'));
  const actor = batch.actor(record.chatId, record.actorId);
  const decision = canEdit(actor, chatFacts(chat), message, editWindowMinutes, batch.now);
  if (!decision.ok) return refused(decision);
  if (record.mentionAll) {
    const everyone = canMentionAll(actor, chatFacts(chat));
    if (!everyone.ok) return refused(everyone);
  }
  message.body = record.body;
  message.editedAt = batch.now;
  message.mentions = memberMentions(batch, record.chatId, record.mentions);
  message.mentionAll = record.mentionAll;
  batch.touch(message, seq);
  return { status: 'written', message };
}

function applyMessageDeleted(record: MessageDeletedRecord, { batch, chat, seq, editWindowMinutes }: ApplyContext): Applied {
  const message = targetOf(batch, record.chatId, record.messageId);
  if (!message) return refused(hidden('Message'));
  const decision = canDelete(batch.actor(record.chatId, record.actorId), chatFacts(chat), message, editWindowMinutes, batch.now);
  if (!decision.ok) return refused(decision);
  if (message.deletedAt) return { status: 'unchanged' };
  // The content goes for good: body, mentions and reactions here, files' rows when the batch is written.
  message.body = '';
  message.deletedAt = batch.now;
  message.mentions = [];
  message.mentionAll = null;
  message.reactions = [];
  batch.markDeleted(message);
  batch.touch(message, seq);
  return { status: 'written', message };
}

function applyReaction(record: ReactionRecord, { batch, chat, seq }: ApplyContext): Applied {
  const message = targetOf(batch, record.chatId, record.messageId);
  if (!message) return refused(hidden('Message'));
  const decision = canReact(batch.actor(record.chatId, record.actorId), chatFacts(chat), message);
  if (!decision.ok) return refused(decision);
  const add = record.type === 'reaction.added';
  const group = message.reactions.find((g) => g.emoji === record.emoji);
  const present = group?.userIds.includes(record.actorId) ?? false;
  if (present === add) return { status: 'unchanged' };
  if (add) {
    if (group) {
      group.userIds.push(record.actorId);
      group.seqs.push(seq);
    } else if (message.reactions.length >= MAX_REACTION_EMOJI) {
      return refused(refuse('invalid_input', `A message has at most ${MAX_REACTION_EMOJI} different reactions.`));
    } else {
      message.reactions.push({ emoji: record.emoji, userIds: [record.actorId], seqs: [seq] });
    }
  } else {
    const at = group!.userIds.indexOf(record.actorId);
    group!.userIds.splice(at, 1);
    group!.seqs.splice(at, 1);
    // Emoji are listed by their earliest reaction still there, as the history query lists them.
    message.reactions = message.reactions.filter((g) => g.userIds.length > 0).sort((a, b) => a.seqs[0]! - b.seqs[0]!);
  }
  batch.react(message.id, record.actorId, record.emoji, add, seq);
  batch.touch(message, seq);
  return { status: 'written', message };
}

/** Mentions count only for people in the chat when the entry is written. */
function memberMentions(batch: WriterBatch, chatId: string, userIds: string[]): string[] {
  return [...new Set(userIds)].filter((id) => batch.isMember(chatId, id));
}
