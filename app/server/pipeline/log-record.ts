import { z } from 'zod';

/** One entry of the message log, as appended by the front door and read by the writer. */
export const logRecordSchema = z.object({
  id: z.uuid(),
  chatId: z.uuid(),
  senderId: z.uuid(),
  clientId: z.string().min(1).max(100),
  kind: z.enum(['text', 'media', 'system']),
  body: z.string(),
  attachmentIds: z.array(z.uuid()).default([]),
  acceptedAt: z.iso.datetime(),
});

export type LogRecord = z.infer<typeof logRecordSchema>;

export type WriteOutcome =
  | { status: 'written'; id: string; seq: number }
  | { status: 'duplicate'; id: string; seq: number }
  | { status: 'rejected'; id: string; code: 'not_found' | 'forbidden'; message: string };

/** Why an archived group refuses a message, at the front door and in the writer alike. */
export const ARCHIVED_MESSAGE = 'This group is archived.';
