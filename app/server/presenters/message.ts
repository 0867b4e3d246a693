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
}

export function presentMessage(message: MessageRecord, attachments: PresentedAttachment[] = []): PresentedMessage {
  const deleted = message.deletedAt !== null;
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
  };
}
