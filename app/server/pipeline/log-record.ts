import { z } from 'zod';
import { text } from '../schemas/text.ts';

/** One entry of the message log, as appended by the front door and read by the writer. */
export const logRecordSchema = z.object({
  id: z.uuid(),
  chatId: z.uuid(),
  senderId: z.uuid(),
  clientId: text().min(1).max(100),
  kind: z.enum(['text', 'media', 'system']),
  body: text(),
  attachmentIds: z.array(z.uuid()).default([]),
  acceptedAt: z.iso.datetime(),
});

export type LogRecord = z.infer<typeof logRecordSchema>;

export type WriteOutcome =
  | { status: 'written'; id: string; seq: number }
  | { status: 'duplicate'; id: string; seq: number }
  | { status: 'rejected'; id: string; code: RejectionCode; message: string };

/** Why the writer refused a record, with the HTTP status the sender's error carries. */
export const REJECTION_STATUS = { not_found: 404, forbidden: 403, invalid_input: 400 } as const;
export type RejectionCode = keyof typeof REJECTION_STATUS;

/** Why an archived group refuses a message, at the front door and in the writer alike. */
export const ARCHIVED_MESSAGE = 'This group is archived.';
