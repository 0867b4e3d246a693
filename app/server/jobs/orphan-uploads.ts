import { removeMediaObjects } from '../commands/attachment-remover.ts';
import type { Services } from '../services.ts';
import type { Job } from './job-scheduler.ts';

export const ORPHAN_UPLOADS_JOB = 'orphan-uploads';
const BATCH = 500;
const MAX_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Removes uploads never sent in a message once they are CHATFLOW_UPLOAD_ORPHAN_SECONDS old, from
 * the table and the store, a batch at a time; runs under the job's advisory lock.
 */
export function orphanUploadsJob(services: Services): Job {
  const maxAgeMs = services.config.uploadOrphanSeconds * 1000;
  return {
    name: ORPHAN_UPLOADS_JOB,
    intervalMs: Math.min(MAX_INTERVAL_MS, maxAgeMs),
    async run() {
      const cutoff = new Date(Date.now() - maxAgeMs);
      let removed = 0;
      for (;;) {
        // "Still unsent" is re-checked by the DELETE itself: a writer binding one meanwhile wins.
        const rows = await services.knex('attachments')
          .whereIn('id', services.knex('attachments').whereNull('messageId').where('createdAt', '<', cutoff).orderBy('createdAt').limit(BATCH).select('id'))
          .whereNull('messageId')
          .delete()
          .returning<{ storageKey: string; thumbnailKey: string | null }[]>(['storageKey', 'thumbnailKey']);
        await removeMediaObjects(services.media, services.logger, rows.flatMap((row) => (row.thumbnailKey ? [row.storageKey, row.thumbnailKey] : [row.storageKey])));
        removed += rows.length;
        if (rows.length < BATCH) break;
      }
      return { removed };
    },
  };
}
