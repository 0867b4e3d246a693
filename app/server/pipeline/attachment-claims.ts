import type { Knex } from 'knex';
import { ATTACHMENT_COLUMNS, type AttachmentRow } from '../models/attachment.ts';
import { presentAttachment } from '../presenters/attachment.ts';
import type { PresentedAttachment } from '../presenters/message.ts';
import type { LogRecord, MessageCreatedRecord } from './log-record.ts';

/** Why the writer refuses a message whose attachments cannot be bound to it. */
export const ATTACHMENT_REFUSED = 'Attachment not found, or already sent.';

export interface AttachmentClaims {
  /** Null when every attachment of the record may be bound to it (they are then reserved), else why not. */
  refuse(record: MessageCreatedRecord): string | null;
  /** The attachments of an accepted record, as clients see them. */
  presented(messageId: string): PresentedAttachment[] | undefined;
}

/**
 * Locks the batch's attachment rows (in id order, like the chats) inside the writer's transaction
 * and decides which records may take them: the sender's own uploads, not sent before, each in one
 * message only. The front door checked the same; this decides when two sends race.
 */
export async function lockBatchAttachments(trx: Knex.Transaction, records: LogRecord[]): Promise<AttachmentClaims> {
  const ids = [...new Set(records.flatMap((r) => (r.type === 'message.created' ? r.attachmentIds : [])))].sort();
  const rows = ids.length
    ? await trx('attachments').whereIn('id', ids).orderBy('id').forUpdate().select<AttachmentRow[]>(ATTACHMENT_COLUMNS)
    : [];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const claimed = new Set<string>();
  const presented = new Map<string, PresentedAttachment[]>();
  return {
    refuse(record) {
      if (record.attachmentIds.length === 0) return null;
      const own = record.attachmentIds.map((id) => byId.get(id));
      const usable = own.every((row) => row && row.uploaderId === record.actorId && row.messageId === null && !claimed.has(row.id));
      if (!usable) return ATTACHMENT_REFUSED;
      for (const row of own) claimed.add(row!.id);
      // Upload order, as history lists them.
      const ordered = (own as AttachmentRow[]).slice().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      presented.set(record.id, ordered.map((row) => presentAttachment({ ...row, messageId: record.id })));
      return null;
    },
    presented: (messageId) => presented.get(messageId),
  };
}
