// The only screen for an account signed in with a one-time password (first admin, an account an
// admin made, a reset): nothing else works on the server until a password of one's own is set.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApp } from './context.js';
import { ChatIcon } from './icons.js';

export function ChoosePassword() {
  const { state, actions } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const me = state.me.value;
  async function submit(/** @type {Event} */ e) {
    e.preventDefault();
    if (next !== again) {
      setError('The two new passwords are not the same.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await actions.choosePassword(current, next);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The password could not be changed.');
      setBusy(false);
    }
  }
  const input = (/** @type {(v: string) => void} */ set) => (/** @type {any} */ e) => set(e.currentTarget.value);
  return html`
    <main class="signin">
      <form class="signin-card" data-testid="choose-password-form" onSubmit=${submit}>
        <div class="brand"><span class="brand-mark"><${ChatIcon} size=${26} /></span><span>Chat-Flow</span></div>
        <h1>Choose your password</h1>
        <p class="muted">${me ? me.email : ''} signed in with a one-time password. Choose your own to continue.</p>
        <input type="email" hidden autocomplete="username" value=${me ? me.email : ''} readonly />
        <label class="label">One-time password
          <input class="field" type="password" autocomplete="current-password" required autofocus
            data-testid="choose-password-current" value=${current} onInput=${input(setCurrent)} />
        </label>
        <label class="label">New password (at least 8 characters)
          <input class="field" type="password" autocomplete="new-password" required minlength="8" maxlength="200"
            data-testid="choose-password-new" value=${next} onInput=${input(setNext)} />
        </label>
        <label class="label">New password again
          <input class="field" type="password" autocomplete="new-password" required minlength="8" maxlength="200"
            data-testid="choose-password-again" value=${again} onInput=${input(setAgain)} />
        </label>
        ${error ? html`<p class="error" role="alert" data-testid="choose-password-error">${error}</p>` : null}
        <button class="btn full" type="submit" data-testid="choose-password-submit" disabled=${busy}>${busy ? 'Saving…' : 'Save and continue'}</button>
        <button class="link-btn" type="button" data-testid="choose-password-sign-out" onClick=${() => actions.signOut()}>Sign out</button>
      </form>
    </main>`;
}
