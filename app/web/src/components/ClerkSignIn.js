// "Sign in with Clerk" on the sign-in page, when the server offers it; with built-in accounts
// turned off it is the way in for everyone but administrators, who keep their password.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  async function start() {
    setBusy(true);
    setError('');
    try {
      await signInWithClerk();
      // The server may refuse this Clerk identity (an administrator's email, an unverified one): say why.
      await api.me();
      await actions.boot();
    } catch (e) {
      setError(e instanceof ApiError && e.status !== 0 ? e.message : 'Sign-in with Clerk is unavailable right now. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  }
  return html`
    <div class="clerk-sign-in">
      <button class="btn full" type="button" data-testid="sign-in-clerk" disabled=${busy} onClick=${start}>
        ${busy ? 'Signing in…' : 'Sign in with Clerk'}
      </button>
      ${error ? html`<p class="error" role="alert" data-testid="sign-in-clerk-error">${error}</p>` : null}
    </div>`;
}
