import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import type { MediaStore } from '../storage/media-store.ts';

/** Which attachments to remove: those of some messages, or some attachments by id. */
export type AttachmentSelector = { messageIds: string[] } | { attachmentIds: string[] };

/**
 * Deletes the attachment rows (inside the caller's transaction when given one) and returns the
 * store keys they held; remove those with removeMediaObjects once the transaction has committed.
 */
export async function deleteAttachmentRows(knex: Knex | Knex.Transaction, selector: AttachmentSelector): Promise<string[]> {
  const [column, ids] = 'messageIds' in selector ? ['messageId', selector.messageIds] : ['id', selector.attachmentIds];
  if (ids.length === 0) return [];
  const rows = await knex('attachments').whereIn(column, ids).delete().returning<{ storageKey: string; thumbnailKey: string | null }[]>(['storageKey', 'thumbnailKey']);
  return rows.flatMap((row) => (row.thumbnailKey ? [row.storageKey, row.thumbnailKey] : [row.storageKey]));
}

/** Removes objects from the store; a failure is logged (the bytes are unreachable without their row). */
export async function removeMediaObjects(media: MediaStore, logger: Logger, keys: string[]): Promise<void> {
  await media.remove(keys).catch((error: unknown) => logger.warn({ err: error, count: keys.length }, 'could not remove media objects'));
}

/**
 * Removes attachments, rows and stored files, for given message ids (message deletion, retention)
 * or attachment ids (orphan uploads). Returns how many files were removed.
 */
export async function removeAttachments(
  services: { knex: Knex; media: MediaStore; logger: Logger },
  selector: AttachmentSelector,
): Promise<number> {
  const keys = await deleteAttachmentRows(services.knex, selector);
  await removeMediaObjects(services.media, services.logger, keys);
  return keys.length;
}
