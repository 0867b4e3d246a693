// The profile panel, opened from one's own name in the sidebar: display name, picture, password,
// and (when allowed) invite links. Others see a new name or picture live.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { CloseIcon } from './icons.js';
import { InviteSection } from './InviteDialog.js';

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : 'Something went wrong.');

export function ProfilePanel() {
  const { state, actions } = useApp();
  const me = state.me.value;
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  useEffect(() => {
    const first = ref.current && ref.current.querySelector('input');
    if (first) first.focus();
  }, []);
  if (!me) return null;
  const close = () => actions.openDialog(null);
  return html`
    <div class="modal-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) close(); }}>
      <div class="modal profile-panel" role="dialog" aria-modal="true" aria-label="Your profile" data-testid="profile-panel" ref=${ref}
        onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') close(); }}>
        <div class="modal-head">
          <h2>Your profile</h2>
          <button class="icon-btn small" aria-label="Close" data-testid="profile-close" onClick=${close}><${CloseIcon} size=${18} /></button>
        </div>
        <${PictureSection} />
        <${NameSection} />
        <${PasswordSection} />
        <${InviteSection} />
      </div>
    </div>`;
}

function PictureSection() {
  const { state, actions } = useApp();
  const me = /** @type {import('../state.js').User} */ (state.me.value);
  const [status, setStatus] = useState({ busy: false, error: '' });
  async function picked(/** @type {any} */ e) {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!file) return;
    setStatus({ busy: true, error: '' });
    try {
      await actions.uploadAvatar(file);
      setStatus({ busy: false, error: '' });
    } catch (err) {
      setStatus({ busy: false, error: messageOf(err) });
    }
  }
  return html`
    <section class="profile-section profile-picture">
      <${Avatar} id=${me.id} name=${me.name} url=${me.avatarUrl} size=${72} />
      <label class="btn btn-soft">
        ${status.busy ? 'Uploading…' : 'Change picture'}
        <input type="file" accept="image/*" class="visually-hidden" data-testid="profile-avatar-input" onChange=${picked} />
      </label>
      ${status.error ? html`<p class="error" role="alert" data-testid="profile-avatar-error">${status.error}</p>` : null}
    </section>`;
}

function NameSection() {
  const { state, actions } = useApp();
  const me = /** @type {import('../state.js').User} */ (state.me.value);
  const [name, setName] = useState(me.name);
  const [status, setStatus] = useState({ busy: false, error: '', saved: false });
  async function save(/** @type {Event} */ e) {
    e.preventDefault();
    setStatus({ busy: true, error: '', saved: false });
    try {
      await actions.saveName(name);
      setStatus({ busy: false, error: '', saved: true });
    } catch (err) {
      setStatus({ busy: false, error: messageOf(err), saved: false });
    }
  }
  return html`
    <section class="profile-section">
      <form class="profile-row" onSubmit=${save}>
        <label class="label">Display name
          <input class="field" required maxlength="100" data-testid="profile-name" value=${name}
            onInput=${(/** @type {any} */ e) => setName(e.currentTarget.value)} />
        </label>
        <button class="btn" type="submit" data-testid="profile-name-save" disabled=${status.busy || !name.trim() || name.trim() === me.name}>Save</button>
      </form>
      ${status.error ? html`<p class="error" role="alert">${status.error}</p>` : null}
      ${status.saved ? html`<p class="muted small" role="status" data-testid="profile-name-saved">Saved.</p>` : null}
    </section>`;
}

function PasswordSection() {
  const { actions } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [status, setStatus] = useState({ busy: false, error: '', saved: false });
  async function save(/** @type {Event} */ e) {
    e.preventDefault();
    setStatus({ busy: true, error: '', saved: false });
    try {
      await actions.changePassword(current, next);
      setCurrent('');
      setNext('');
      setStatus({ busy: false, error: '', saved: true });
    } catch (err) {
      setStatus({ busy: false, error: messageOf(err), saved: false });
    }
  }
  return html`
    <section class="profile-section">
      <h3>Password</h3>
      <form class="stack" onSubmit=${save}>
        <label class="label">Current password
          <input class="field" type="password" autocomplete="current-password" required data-testid="profile-password-current"
            value=${current} onInput=${(/** @type {any} */ e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label class="label">New password (at least 8 characters)
          <input class="field" type="password" autocomplete="new-password" required minlength="8" maxlength="200" data-testid="profile-password-new"
            value=${next} onInput=${(/** @type {any} */ e) => setNext(e.currentTarget.value)} />
        </label>
        ${status.error ? html`<p class="error" role="alert" data-testid="profile-password-error">${status.error}</p>` : null}
        ${status.saved ? html`<p class="muted small" role="status" data-testid="profile-password-saved">Password changed. Your other sign-ins have ended.</p>` : null}
        <button class="btn" type="submit" data-testid="profile-password-save" disabled=${status.busy}>Change password</button>
      </form>
    </section>`;
}
