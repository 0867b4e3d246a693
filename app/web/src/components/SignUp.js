// Sign-up, offered on the sign-in page when an admin has opened registration (by invite link or
// to an email domain). The server decides; this only shows what it allows.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';

const inviteFromUrl = () => new URLSearchParams(location.search).get('invite') || '';

export function SignUpOffer() {
  const [registration, setRegistration] = useState(/** @type {{mode: string, domain: string|null}|null} */ (null));
  const invite = inviteFromUrl();
  const [open, setOpen] = useState(invite !== '');
  useEffect(() => { api.registration().then(setRegistration, () => setRegistration(null)); }, []);
  if (!registration || registration.mode === 'closed') return null;
  if (registration.mode === 'invite' && !invite) return null;
  if (!open) {
    return html`<p class="signup-offer">New here? <button class="link-btn" data-testid="sign-up-open" onClick=${() => setOpen(true)}>Create an account</button></p>`;
  }
  return html`<${SignUpForm} invite=${invite} domain=${registration.mode === 'domain' ? registration.domain : null} />`;
}

/** @param {{invite: string, domain: string|null}} p */
function SignUpForm({ invite, domain }) {
  const [fields, setFields] = useState({ email: '', name: '', password: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const set = (/** @type {'email'|'name'|'password'} */ key) => (/** @type {any} */ e) => setFields({ ...fields, [key]: e.currentTarget.value });
  async function submit(/** @type {Event} */ e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.signUp({ ...fields, email: fields.email.trim(), ...(invite ? { invite } : {}) });
      // The answer set the session cookie: a fresh start enters as the new account, without the invite in the address.
      location.assign('/');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-up failed.');
      setBusy(false);
    }
  }
  return html`
    <form class="signin-card" data-testid="sign-up-form" onSubmit=${submit}>
      <h2>Create an account</h2>
      <p class="muted">${domain ? `Open to @${domain} addresses.` : 'You were invited to join.'}</p>
      <label class="label">Name
        <input class="field" name="name" autocomplete="name" required maxlength="100" data-testid="sign-up-name" value=${fields.name} onInput=${set('name')} />
      </label>
      <label class="label">Email
        <input class="field" type="email" name="email" autocomplete="email" required data-testid="sign-up-email" value=${fields.email} onInput=${set('email')} />
      </label>
      <label class="label">Password (at least 8 characters)
        <input class="field" type="password" name="new-password" autocomplete="new-password" required minlength="8" data-testid="sign-up-password" value=${fields.password} onInput=${set('password')} />
      </label>
      ${error ? html`<p class="error" role="alert" data-testid="sign-up-error">${error}</p>` : null}
      <button class="btn full" type="submit" data-testid="sign-up-submit" disabled=${busy}>${busy ? 'Creating…' : 'Create account'}</button>
    </form>`;
}
