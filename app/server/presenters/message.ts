import type { MessageKind } from '../models/message.ts';

/** A message row joined with its sender's name, as history queries and the writer produce it. */
export interface MessageRecord {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  senderId: string | null;
  senderName: string | null;
  kind: MessageKind;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** The seq of the last log entry that changed this message (its own seq until then). */
  updateSeq?: number;
  replyToId?: string | null;
  mentions?: string[];
  mentionAll?: 'all' | 'here' | null;
  event?: SystemEvent | null;
  /** Loaded by queries/message-details.ts; absent means none were loaded (a chat preview). */
  reactions?: ReactionGroup[];
  replyTo?: ReplyPreview | null;
}

/** A membership notice, structured so clients render names at render time. */
export interface SystemEvent {
  type: 'member.added' | 'member.removed' | 'chat.renamed' | 'chat.archived';
  actorId: string;
  userIds: string[];
  name?: string;
  archived?: boolean;
}

/** Who reacted with one emoji, in log order; `seqs` are the entries that added each reaction. */
export interface ReactionGroup {
  emoji: string;
  userIds: string[];
  seqs: number[];
}

export interface ReplyPreview {
  id: string;
  senderId: string | null;
  senderName: string | null;
  body: string;
  deleted: boolean;
}

export interface PresentedReaction {
  emoji: string;
  count: number;
  /** Whether the viewer reacted; each recipient of a broadcast gets its own value. */
  me: boolean;
  userIds: string[];
}

export interface PresentedAttachment {
  id: string;
  kind: 'image' | 'video' | 'audio' | 'file';
  name: string;
  mime: string;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Present (true) for a recorded voice note, as opposed to an audio file. */
  voice?: true;
  url: string;
  thumbnailUrl: string | null;
}

export interface PresentedMessage {
  id: string;
  chatId: string;
  seq: number;
  clientId: string;
  sender: { id: string; name: string } | null;
  kind: MessageKind;
  body: string;
  attachments: PresentedAttachment[];
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  updateSeq: number;
  reactions: PresentedReaction[];
  replyTo: { id: string; sender: { id: string; name: string } | null; excerpt: string } | null;
  mentions: string[];
  mentionAll: 'all' | 'here' | null;
  event: SystemEvent | null;
}

const EXCERPT_LENGTH = 100;

export function excerptOf(body: string, length = EXCERPT_LENGTH): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** A message as `viewerId` sees it (`me` of reactions); without a viewer nobody's reactions are "me". */
export function presentMessage(message: MessageRecord, attachments: PresentedAttachment[] = [], viewerId?: string): PresentedMessage {
  const deleted = message.deletedAt !== null;
  const reply = message.replyTo;
  return {
    id: message.id,
    chatId: message.chatId,
    seq: message.seq,
    clientId: message.clientId,
    sender: message.senderId ? { id: message.senderId, name: message.senderName ?? 'Former member' } : null,
    kind: message.kind,
    // A deleted message keeps its place in the log but not its content.
    body: deleted ? '' : message.body,
    attachments: deleted ? [] : attachments,
    createdAt: message.createdAt.toISOString(),
    editedAt: message.editedAt?.toISOString() ?? null,
    deletedAt: message.deletedAt?.toISOString() ?? null,
    updateSeq: message.updateSeq ?? message.seq,
    reactions: deleted
      ? []
      : (message.reactions ?? []).map((r) => ({ emoji: r.emoji, count: r.userIds.length, me: viewerId !== undefined && r.userIds.includes(viewerId), userIds: r.userIds })),
    replyTo: reply
      ? { id: reply.id, sender: reply.senderId ? { id: reply.senderId, name: reply.senderName ?? 'Former member' } : null, excerpt: reply.deleted ? '' : excerptOf(reply.body) }
      : null,
    mentions: deleted ? [] : (message.mentions ?? []),
    mentionAll: deleted ? null : (message.mentionAll ?? null),
    event: message.event ?? null,
  };
}
