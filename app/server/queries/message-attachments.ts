import type { Knex } from 'knex';
import { ATTACHMENT_COLUMNS, type AttachmentRow } from '../models/attachment.ts';
import { presentAttachment } from '../presenters/attachment.ts';
import { presentMessage, type MessageRecord, type PresentedAttachment, type PresentedMessage } from '../presenters/message.ts';

/** The attachments of many messages in one query, in upload order, by message id. */
export async function attachmentsByMessage(knex: Knex, messageIds: string[]): Promise<Map<string, PresentedAttachment[]>> {
  const byMessage = new Map<string, PresentedAttachment[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await knex('attachments')
    .whereIn('messageId', messageIds)
    .orderBy([{ column: 'createdAt' }, { column: 'id' }])
    .select<AttachmentRow[]>(ATTACHMENT_COLUMNS);
  for (const row of rows) {
    const list = byMessage.get(row.messageId!) ?? [];
    list.push(presentAttachment(row));
    byMessage.set(row.messageId!, list);
  }
  return byMessage;
}

/**
 * A page of messages as a viewer sees them (their own reactions marked), attachments included:
 * one query for the whole page.
 */
export async function presentMessagePage(knex: Knex, messages: MessageRecord[], viewerId?: string): Promise<PresentedMessage[]> {
  const media = messages.filter((m) => m.kind === 'media' && m.deletedAt === null).map((m) => m.id);
  const attachments = await attachmentsByMessage(knex, media);
  return messages.map((m) => presentMessage(m, attachments.get(m.id), viewerId));
}
