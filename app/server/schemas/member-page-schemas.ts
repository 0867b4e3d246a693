import { z } from 'zod';

export const MAX_MEMBER_PAGE = 200;

/** The keyset position after the last member of a page: join time (as stored), then user id. */
const memberCursorSchema = z.object({ joinedAt: z.string().min(1).max(64), userId: z.uuid() });

export type MemberCursor = z.infer<typeof memberCursorSchema>;

export const encodeMemberCursor = (cursor: MemberCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeMemberCursor(value: string): MemberCursor | undefined {
  try {
    const parsed = memberCursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const memberPageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_MEMBER_PAGE, `limit: at most ${MAX_MEMBER_PAGE}`).default(100),
  cursor: z
    .string()
    .max(300)
    .transform((value, ctx) => {
      const cursor = decodeMemberCursor(value);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
      return cursor ?? z.NEVER;
    })
    .optional(),
});
