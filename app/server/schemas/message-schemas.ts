import { z } from 'zod';
import { text } from './text.ts';

/** Longest message body, in characters (documented in README and docs/protocol.md). */
export const MAX_BODY_LENGTH = 8000;
export const MAX_ATTACHMENTS = 10;

export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const MAX_MENTIONS = 100;
export const MAX_EMOJI_GRAPHEMES = 4;

const bodySchema = text().max(MAX_BODY_LENGTH, `body: at most ${MAX_BODY_LENGTH} characters`);

/** Who a message mentions: member ids picked by the client (autocomplete), or "all" / "here". */
export const mentionsSchema = z.array(z.union([z.uuid(), z.enum(['all', 'here'])])).max(MAX_MENTIONS, `mentions: at most ${MAX_MENTIONS}`);

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// No whitespace and no control characters (NUL included); joiners and variation selectors stay allowed.
const forbiddenInEmoji = /[\s\p{Cc}]/u;

/** A reaction: a short grapheme sequence such as "👍" or "👨‍👩‍👧", never text with spaces or NUL. */
export const emojiSchema = text()
  .min(1, 'emoji: must not be empty')
  .max(32, 'emoji: at most 32 characters')
  .refine((emoji) => !forbiddenInEmoji.test(emoji), 'emoji: no spaces or control characters')
  .refine((emoji) => [...graphemes.segment(emoji)].length <= MAX_EMOJI_GRAPHEMES, `emoji: at most ${MAX_EMOJI_GRAPHEMES} characters`);

export const sendMessageSchema = z
  .object({
    chatId: z.uuid(),
    clientId: text().min(1).max(100),
    body: bodySchema.optional(),
    attachmentIds: z
      .array(z.uuid())
      .max(MAX_ATTACHMENTS, `attachmentIds: at most ${MAX_ATTACHMENTS}`)
      .refine((ids) => new Set(ids).size === ids.length, 'attachmentIds: each attachment only once')
      .optional(),
    replyToId: z.uuid().nullable().optional(),
    mentions: mentionsSchema.optional(),
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

export const editMessageSchema = z.object({
  messageId: z.uuid(),
  body: bodySchema.refine((body) => body.trim().length > 0, 'body: must not be empty'),
  mentions: mentionsSchema.optional(),
});

export const messageRefSchema = z.object({ messageId: z.uuid() });

export const reactionSchema = z.object({ messageId: z.uuid(), emoji: emojiSchema });

export type SendMessageInput = z.infer<typeof sendMessageSchema>;
export type EditMessageInput = z.infer<typeof editMessageSchema>;
