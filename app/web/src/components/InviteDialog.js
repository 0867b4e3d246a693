// "Invite people": a sign-up link with an expiry and a number of uses, shown once to copy. Offered
// only when the server says this person may make one (registration by invite, allowed by an admin).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from './context.js';

export function InviteSection() {
  const { actions } = useApp();
  const [allowed, setAllowed] = useState(false);
  const [days, setDays] = useState('7');
  const [uses, setUses] = useState('1');
  const [url, setUrl] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => { actions.loadInvites().then((r) => setAllowed(!!r.allowed), () => setAllowed(false)); }, []);
  if (!allowed) return null;
  async function create(/** @type {Event} */ e) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const made = await actions.createInvite(Number(days), Number(uses));
      setUrl(made.url);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The link could not be made.');
    } finally {
      setBusy(false);
    }
  }
  return html`
    <section class="profile-section" data-testid="invite-section">
      <h3>Invite people</h3>
      <form class="profile-row" onSubmit=${create}>
        <label class="label">Valid for
          <select class="field" data-testid="invite-days" value=${days} onChange=${(/** @type {any} */ e) => setDays(e.currentTarget.value)}>
            <option value="1">1 day</option><option value="7">7 days</option><option value="30">30 days</option>
          </select>
        </label>
        <label class="label">Uses
          <input class="field" type="number" min="1" max="1000" required data-testid="invite-uses" value=${uses}
            onInput=${(/** @type {any} */ e) => setUses(e.currentTarget.value)} />
        </label>
        <button class="btn" type="submit" data-testid="invite-create" disabled=${busy}>Make link</button>
      </form>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${url ? html`<div class="profile-row">
        <input class="field" readonly data-testid="invite-url" value=${url} onFocus=${(/** @type {any} */ e) => e.currentTarget.select()} />
        <button class="btn btn-soft" type="button" onClick=${() => navigator.clipboard && navigator.clipboard.writeText(url).catch(() => {})}>Copy</button>
      </div>
      <p class="muted small">Shown once: anyone with the link can create an account until it expires or is used up.</p>` : null}
    </section>`;
}
