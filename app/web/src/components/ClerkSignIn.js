// "Sign in with Clerk" on the sign-in page, when the server offers it; with built-in accounts
// turned off it is the way in for everyone but administrators, who keep their password.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { authOptions, signInWithClerk } from '../clerk-session.js';
import { useApp } from './context.js';

/** GET /api/auth/options, or null while it loads or when it cannot be read (the password form then shows). */
export function useAuthOptions() {
  const [options, setOptions] = useState(/** @type {import('../clerk-session.js').AuthOptions|null} */ (null));
  useEffect(() => { authOptions().then(setOptions, () => setOptions(null)); }, []);
  return options;
}

export function ClerkSignIn() {
  const { actions } = useApp();
  const [error, setError] = useState('');
  const waiting = useRef(false);
  // Not disabled while Clerk's dialog is open: whoever closed it can open it again.
  async function start() {
    setError('');
    if (waiting.current) {
      signInWithClerk().catch(() => {});
      return;
    }
    waiting.current = true;
    try {
      await signInWithClerk();
      // The server may refuse this Clerk identity (an administrator's email, an unverified one): say why.
      await api.me();
      await actions.boot();
    } catch (e) {
      setError(clerkErrorText(e));
    } finally {
      waiting.current = false;
    }
  }
  return html`
    <div class="clerk-sign-in">
      <button class="btn full" type="button" data-testid="sign-in-clerk" onClick=${start}>Sign in with Clerk</button>
      ${error ? html`<p class="error" role="alert" data-testid="sign-in-clerk-error">${error}</p>` : null}
    </div>`;
}

/** @param {unknown} e */
function clerkErrorText(e) {
  const status = e instanceof ApiError ? e.status : -1;
  if (status === 401) return 'This server did not accept the Clerk sign-in. Ask your administrator.';
  // 403: the server says why (an administrator's email, an unverified address, a deactivated account).
  if (status === 403 && e instanceof Error) return e.message;
  return 'Sign-in with Clerk is unavailable right now. Try again in a moment.';
}
