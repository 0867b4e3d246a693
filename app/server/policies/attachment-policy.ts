import type { Knex } from 'knex';
import { conflict, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { ATTACHMENT_COLUMNS, type AttachmentRow } from '../models/attachment.ts';

/**
 * Loads an attachment its reader may see: the uploader's own, or one sent in a chat the reader
 * belongs to (and not deleted since). Everyone else gets 404, exactly as for a missing id.
 */
export async function requireReadableAttachment(knex: Knex, attachmentId: string, userId: string): Promise<AttachmentRow> {
  if (!isUuid(attachmentId)) throw notFound('Attachment');
  const row = (await knex('attachments as a')
    .where('a.id', attachmentId)
    .where((visible) =>
      visible.where('a.uploaderId', userId).orWhereExists((sent) =>
        sent
          .select(knex.raw('1'))
          .from('messages as m')
          .join('chatMembers as cm', 'cm.chatId', 'm.chatId')
          .whereRaw('m.id = a.message_id')
          .where('cm.userId', userId)
          .whereNull('m.deletedAt'),
      ),
    )
    .first(ATTACHMENT_COLUMNS.map((column) => `a.${column}`))) as AttachmentRow | undefined;
  if (!row) throw notFound('Attachment');
  return row;
}

/**
 * The front door's check of a send's attachments: the sender's own uploads, not sent in another
 * message (a retry of the same message passes). The writer checks again under row locks.
 */
export async function authorizeAttachmentsToSend(knex: Knex, senderId: string, messageId: string, attachmentIds: string[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  const rows = (await knex('attachments').whereIn('id', attachmentIds).select('id', 'uploaderId', 'messageId')) as Pick<AttachmentRow, 'id' | 'uploaderId' | 'messageId'>[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of attachmentIds) {
    const row = byId.get(id);
    if (!row || row.uploaderId !== senderId) throw notFound('Attachment');
    if (row.messageId !== null && row.messageId !== messageId) throw conflict('attachment_sent', 'That attachment was already sent in another message.');
  }
}
