import type { Next } from 'koa';
import { invalidInput } from '../errors.ts';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../schemas/text.ts';
import type { AppContext } from './context.ts';

/**
 * Path segments (ids, emoji) reach queries before any schema sees them: an API path that is not
 * UTF-8 or holds NUL or a lone surrogate answers 400 here, like any other text input.
 */
export async function refuseUnsafePath(ctx: AppContext, next: Next) {
  if (ctx.path.startsWith('/api/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(ctx.path);
    } catch {
      throw invalidInput('path: not valid UTF-8 text');
    }
    if (!isSafeText(decoded)) throw invalidInput(`path: ${UNSAFE_TEXT_MESSAGE}`);
  }
  await next();
}
