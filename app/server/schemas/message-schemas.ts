import { z } from 'zod';
import { text } from './text.ts';

/** Longest message body, in characters (documented in README and docs/protocol.md). */
export const MAX_BODY_LENGTH = 8000;
export const MAX_ATTACHMENTS = 10;

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const sendMessageSchema = z
  .object({
    chatId: z.uuid(),
    clientId: text().min(1).max(100),
    body: text().max(MAX_BODY_LENGTH, `body: at most ${MAX_BODY_LENGTH} characters`).optional(),
    attachmentIds: z
      .array(z.uuid())
      .max(MAX_ATTACHMENTS, `attachmentIds: at most ${MAX_ATTACHMENTS}`)
      .refine((ids) => new Set(ids).size === ids.length, 'attachmentIds: each attachment only once')
      .optional(),
  })
  .refine((input) => (input.body?.trim().length ?? 0) > 0 || (input.attachmentIds?.length ?? 0) > 0, {
    message: 'a message needs a body or attachments',
    path: ['body'],
  });

export const watermarkSchema = z.object({ chatId: z.uuid(), seq: seqSchema });

export const typingSchema = z.object({ chatId: z.uuid(), typing: z.boolean() });

export const syncSchema = z.object({
  chats: z.record(z.uuid(), seqSchema).refine((chats) => Object.keys(chats).length <= 1000, 'at most 1000 chats per sync'),
});

export type SendMessageInput = z.infer<typeof sendMessageSchema>;
