import { z } from 'zod';
import { text } from '../schemas/text.ts';

/** What every entry of a chat's log carries; the writer gives it the chat's next seq. */
const base = {
  /** Deterministic for a given action, so a replayed or retried entry is written once. */
  id: z.uuid(),
  chatId: z.uuid(),
  actorId: z.uuid(),
  acceptedAt: z.iso.datetime(),
};

export const mentionAllSchema = z.enum(['all', 'here']);

const messageCreated = z.object({
  ...base,
  type: z.literal('message.created'),
  clientId: text().min(1).max(100),
  kind: z.enum(['text', 'media']),
  body: text(),
  attachmentIds: z.array(z.uuid()).default([]),
  replyToId: z.uuid().nullable().default(null),
  mentions: z.array(z.uuid()).max(1000).default([]),
  mentionAll: mentionAllSchema.nullable().default(null),
});

const messageEdited = z.object({
  ...base,
  type: z.literal('message.edited'),
  messageId: z.uuid(),
  body: text(),
  mentions: z.array(z.uuid()).max(1000).default([]),
  mentionAll: mentionAllSchema.nullable().default(null),
});

const messageDeleted = z.object({ ...base, type: z.literal('message.deleted'), messageId: z.uuid() });

const reaction = {
  messageId: z.uuid(),
  emoji: text().min(1).max(64),
};
const reactionAdded = z.object({ ...base, type: z.literal('reaction.added'), ...reaction });
const reactionRemoved = z.object({ ...base, type: z.literal('reaction.removed'), ...reaction });

/**
 * Membership notices: written by server commands that authorized the change themselves (an admin
 * outside the group, a member who just left), so the writer does not check the actor's membership.
 * `body` is the plain sentence older clients show.
 */
const notice = { clientId: text().min(1).max(100), body: text() };
const memberAdded = z.object({ ...base, ...notice, type: z.literal('member.added'), userIds: z.array(z.uuid()).min(1) });
const memberRemoved = z.object({ ...base, ...notice, type: z.literal('member.removed'), userIds: z.array(z.uuid()).min(1) });
const chatRenamed = z.object({ ...base, ...notice, type: z.literal('chat.renamed'), name: text() });
const chatArchived = z.object({ ...base, ...notice, type: z.literal('chat.archived'), archived: z.boolean() });
/** A notice from before notices were structured: only its sentence is known. */
const chatNotice = z.object({ ...base, ...notice, type: z.literal('chat.notice') });

const entrySchema = z.discriminatedUnion('type', [
  messageCreated, messageEdited, messageDeleted, reactionAdded, reactionRemoved,
  memberAdded, memberRemoved, chatRenamed, chatArchived, chatNotice,
]);

/** Records logged before entries were typed were all new messages, named by their sender. */
function upgradeLegacy(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || 'type' in input) return input;
  const { senderId, kind, ...rest } = input as { senderId?: unknown; kind?: unknown };
  return kind === 'system' ? { ...rest, actorId: senderId, type: 'chat.notice' } : { ...rest, actorId: senderId, kind, type: 'message.created' };
}

/** One entry of a chat's log, as appended by a door or a command and read by the writer. */
export const logRecordSchema = z.preprocess(upgradeLegacy, entrySchema);

export type LogRecord = z.infer<typeof entrySchema>;
export type LogRecordInput = z.input<typeof entrySchema>;
export type LogRecordType = LogRecord['type'];
export type MessageCreatedRecord = z.infer<typeof messageCreated>;
export type MessageEditedRecord = z.infer<typeof messageEdited>;
export type MessageDeletedRecord = z.infer<typeof messageDeleted>;
export type ReactionRecord = z.infer<typeof reactionAdded> | z.infer<typeof reactionRemoved>;
export type NoticeRecord = z.infer<typeof memberAdded> | z.infer<typeof memberRemoved> | z.infer<typeof chatRenamed> | z.infer<typeof chatArchived> | z.infer<typeof chatNotice>;

export const NOTICE_TYPES = new Set<LogRecordType>(['member.added', 'member.removed', 'chat.renamed', 'chat.archived', 'chat.notice']);

export function isNotice(record: LogRecord): record is NoticeRecord {
  return NOTICE_TYPES.has(record.type);
}

export type RejectionCode = 'not_found' | 'forbidden' | 'invalid_input';

export type WriteOutcome =
  | { status: 'written'; id: string; seq: number }
  | { status: 'duplicate'; id: string; seq: number }
  /** Nothing to change (a reaction already there, a message already deleted): no seq is used. */
  | { status: 'unchanged'; id: string }
  | { status: 'rejected'; id: string; code: RejectionCode; message: string };

/** Why an archived group refuses a message, at the front door and in the writer alike. */
export const ARCHIVED_MESSAGE = 'This group is archived.';
