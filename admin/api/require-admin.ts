import { forbidden, invalidInput } from '../../app/server/errors.ts';
import { requirePrincipal, type AppContext } from '../../app/server/http/context.ts';
import { isUuid } from '../../app/server/ids.ts';
import { isSafeText } from '../../app/server/schemas/text.ts';

/** The whole admin API is for admins only: 401 without a session, 403 for everyone else. */
export function requireAdmin(ctx: AppContext) {
  const principal = requirePrincipal(ctx);
  if (principal.user.role !== 'admin') throw forbidden('Only administrators can do that.');
  return principal.user;
}

// Keyset pagination on (lower(name), id): exact strings, so no row is skipped or repeated.
export const encodeNameCursor = (name: string, id: string) => Buffer.from(JSON.stringify([name.toLowerCase(), id])).toString('base64url');

export function decodeNameCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isSafeText(value[0]) && typeof value[1] === 'string' && isUuid(value[1])) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw invalidInput('cursor: not a cursor this server returned');
}
