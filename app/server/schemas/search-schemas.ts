import { z } from 'zod';

export const MAX_SEARCH_LIMIT = 50;
export const MAX_QUERY_LENGTH = 200;

/** An instant (`2026-12-01T10:00:00Z`, any offset) or a date, which means its midnight UTC. */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO-8601 date or date-time' })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value));

/** The keyset position after the last result of a page: rank, then recency, then id. */
export const searchCursorSchema = z.object({
  rank: z.number().min(0),
  createdAt: z.string().min(1).max(64),
  id: z.uuid(),
});

export type SearchCursor = z.infer<typeof searchCursorSchema>;

export const encodeSearchCursor = (cursor: SearchCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** The opaque cursor a client got from a previous page, or undefined when it is not one. */
export function decodeSearchCursor(value: string): SearchCursor | undefined {
  try {
    const parsed = searchCursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const searchQuerySchema = z
  .object({
    query: z.string().trim().max(MAX_QUERY_LENGTH, `query: at most ${MAX_QUERY_LENGTH} characters`).default(''),
    chatId: z.uuid().optional(),
    senderId: z.uuid().optional(),
    before: instant.optional(),
    after: instant.optional(),
    hasFile: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true').optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT, `limit: at most ${MAX_SEARCH_LIMIT}`).default(20),
    cursor: z
      .string()
      .max(500)
      .transform((value, ctx) => {
        const cursor = decodeSearchCursor(value);
        if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
        return cursor ?? z.NEVER;
      })
      .optional(),
  })
  // Without words, a search must narrow somehow; it then lists the newest messages that match.
  .refine((input) => input.query !== '' || input.chatId || input.senderId || input.before || input.after || input.hasFile !== undefined, {
    message: 'query: give words to search for, or at least one filter',
    path: ['query'],
  });

export type SearchInput = z.infer<typeof searchQuerySchema>;
