import { AppError } from '../errors.ts';

/** 403 for an account that signed in with a one-time password and has not chosen its own yet. */
export const passwordChangeRequired = () =>
  new AppError(403, 'password_change_required', 'Choose a new password before you continue.');

// What a person holding only a one-time password may still do: read who they are, set the
// password, sign out, and sign in or up afresh (a stale cookie must not block the sign-in form).
const ALLOWED = new Set([
  'GET /api/me',
  'POST /api/me/password',
  'POST /api/auth/logout',
  'POST /api/auth/logout-all',
  'POST /api/auth/login',
  'POST /api/auth/signup',
  'GET /api/auth/registration',
]);

/** Whether a request may go through while its account must still choose a password. */
export function allowedBeforePasswordChange(method: string, path: string): boolean {
  if (!path.startsWith('/api/')) return true;
  return ALLOWED.has(`${method === 'HEAD' ? 'GET' : method} ${path.replace(/\/+$/, '')}`);
}
