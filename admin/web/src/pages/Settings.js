// Settings: uploads, registration (with invite links), retention (with its last run), sessions,
// built-in accounts.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from '../admin-api.js';
import { OneTimeSecret } from '../components/Dialog.js';
import { formatDateTime } from '../format.js';
import { attempt } from '../status.js';
import { LinkPreviewSettings } from './LinkPreviewSettings.js';

const MIB = 1024 * 1024;

export function Settings() {
  const [settings, setSettings] = useState(/** @type {any} */ (null));
  useEffect(() => { void attempt(() => adminApi.settings(), '').then((r) => r && setSettings(r.settings)); }, []);
  if (!settings) return html`<p class="muted">Loading…</p>`;
  /** Saves a part of the settings; the server checks it and answers with all of them. @param {Record<string, unknown>} patch */
  async function save(patch) {
    const result = await attempt(() => adminApi.updateSettings(patch), 'Saved. Every server uses the new settings now.');
    if (result) setSettings(result.settings);
  }
  return html`
    <div class="settings-grid">
      <${Uploads} settings=${settings} save=${save} />
      <${Registration} settings=${settings} save=${save} />
      <${Retention} settings=${settings} save=${save} />
      <${Sessions} settings=${settings} save=${save} />
      <${BuiltInAccounts} settings=${settings} save=${save} />
      <${LinkPreviewSettings} settings=${settings} save=${save} />
    </div>`;
}

/** @param {{title: string, id: string, children: any}} p */
function Card({ title, id, children }) {
  return html`<section class="card" aria-labelledby=${id + "-title"} data-testid=${id}><h2 id=${id + '-title'}>${title}</h2>${children}</section>`;
}

/** @param {{settings: any, save: (p: any) => Promise<void>}} p */
function Uploads({ settings, save }) {
  const [mb, setMb] = useState(String(Math.round((settings.uploadMaxBytes / MIB) * 100) / 100));
  const [types, setTypes] = useState(settings.allowedUploadTypes.join('\n'));
  function submit(/** @type {Event} */ e) {
    e.preventDefault();
    void save({ uploadMaxBytes: Math.round(Number(mb) * MIB), allowedUploadTypes: types.split(/[\s,]+/).filter(Boolean) });
  }
  return html`
    <${Card} title="Uploads" id="settings-uploads">
      <p class="muted small">These apply to every file people upload in chats: larger files and other types are refused.</p>
      <form class="form" onSubmit=${submit}>
        <label class="label">Largest file (MB)
          <input class="field" type="number" min="0.01" step="0.01" required data-testid="upload-max-mb" value=${mb} onInput=${(/** @type {any} */ e) => setMb(e.currentTarget.value)} />
        </label>
        <label class="label">Allowed types (one per line, e.g. image/* or application/pdf)
          <textarea class="field mono" rows="6" data-testid="upload-types" value=${types} onInput=${(/** @type {any} */ e) => setTypes(e.currentTarget.value)}></textarea>
        </label>
        <button class="btn" type="submit" data-testid="uploads-save">Save uploads</button>
      </form>
    <//>`;
}

/** @param {{settings: any, save: (p: any) => Promise<void>}} p */
function Registration({ settings, save }) {
  const [mode, setMode] = useState(settings.registration);
  const [domain, setDomain] = useState(settings.registrationDomain || '');
  const [membersMayInvite, setMembersMayInvite] = useState(!!settings.membersMayInvite);
  function submit(/** @type {Event} */ e) {
    e.preventDefault();
    void save({ registration: mode, membersMayInvite, ...(mode === 'domain' ? { registrationDomain: domain.trim() } : {}) });
  }
  return html`
    <${Card} title="Registration" id="settings-registration">
      <form class="form" onSubmit=${submit}>
        <fieldset class="radios">
          <legend>Who may create their own account</legend>
          ${[['closed', 'Nobody: admins add people'], ['invite', 'People with an invite link'], ['domain', 'Anyone with an email address at a domain']].map(([value, label]) => html`
            <label class="check-row"><input type="radio" name="registration" value=${value} checked=${mode === value} data-testid=${'registration-' + value}
              onChange=${() => setMode(value)} /><span>${label}</span></label>`)}
        </fieldset>
        ${mode === 'domain' ? html`<label class="label">Domain
          <input class="field" required placeholder="example.com" data-testid="registration-domain" value=${domain} onInput=${(/** @type {any} */ e) => setDomain(e.currentTarget.value)} /></label>` : null}
        ${mode === 'invite' ? html`<label class="check-row"><input type="checkbox" data-testid="registration-members-invite" checked=${membersMayInvite}
          onChange=${(/** @type {any} */ e) => setMembersMayInvite(e.currentTarget.checked)} /><span>Members may create invite links too (from their profile)</span></label>` : null}
        <p class="muted small">When open, the sign-in page offers “Create an account”.</p>
        <button class="btn" type="submit" data-testid="registration-save">Save registration</button>
      </form>
      ${settings.registration === 'invite' ? html`<${Invites} />` : null}
    <//>`;
}

function Invites() {
  const [invites, setInvites] = useState(/** @type {any[]} */ ([]));
  const [days, setDays] = useState('7');
  const [uses, setUses] = useState('10');
  const [link, setLink] = useState('');
  const load = () => adminApi.invites().then((r) => setInvites(r.invites), () => {});
  useEffect(() => { void load(); }, []);
  async function create(/** @type {Event} */ e) {
    e.preventDefault();
    const r = await attempt(() => adminApi.createInvite({ expiresInDays: Number(days), maxUses: Number(uses) }), 'Invite link created.');
    if (r) { setLink(r.url); void load(); }
  }
  return html`
    <div class="invites">
      <h3>Invite links</h3>
      <form class="inline-form" onSubmit=${create}>
        <label class="label">Valid for (days)<input class="field" type="number" min="1" max="90" required data-testid="invite-days" value=${days} onInput=${(/** @type {any} */ e) => setDays(e.currentTarget.value)} /></label>
        <label class="label">Uses<input class="field" type="number" min="1" max="1000" required data-testid="invite-uses" value=${uses} onInput=${(/** @type {any} */ e) => setUses(e.currentTarget.value)} /></label>
        <button class="btn" type="submit" data-testid="invite-create">Create link</button>
      </form>
      ${link ? html`<${OneTimeSecret} label="Invite link" value=${link} testid="invite-link" />` : null}
      <div class="table-wrap">
        <table class="data-table" data-testid="invites-table">
          <caption class="sr-only">Invite links</caption>
          <thead><tr><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Used</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            ${invites.map((i) => html`<tr key=${i.id}>
              <td>${formatDateTime(i.createdAt)}</td><td>${formatDateTime(i.expiresAt)}</td><td>${i.uses} of ${i.maxUses}</td>
              <td>${i.revokedAt ? 'Revoked' : new Date(i.expiresAt) < new Date() ? 'Expired' : i.uses >= i.maxUses ? 'Used up' : 'Active'}</td>
              <td>${i.revokedAt ? null : html`<button type="button" class="btn btn-danger small" aria-label="Revoke this invite link"
                onClick=${async () => { if (await attempt(() => adminApi.revokeInvite(i.id), 'Invite link revoked.')) void load(); }}>Revoke</button>`}</td>
            </tr>`)}
            ${!invites.length ? html`<tr><td colspan="5" class="muted empty-cell">No invite links yet.</td></tr>` : null}
          </tbody>
        </table>
      </div>
    </div>`;
}

/** @param {{settings: any, save: (p: any) => Promise<void>}} p */
function Retention({ settings, save }) {
  const [days, setDays] = useState(String(settings.retentionDays || 0));
  const [info, setInfo] = useState(/** @type {any} */ (null));
  const load = () => adminApi.retention().then(setInfo, () => {});
  useEffect(() => { void load(); }, [settings.retentionDays]);
  async function runNow() {
    const r = await attempt(() => adminApi.runRetention(), '');
    if (r) { await load(); }
  }
  const last = info && info.lastRun;
  return html`
    <${Card} title="Message retention" id="settings-retention">
      <form class="form" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); void save({ retentionDays: Number(days) || 0 }); }}>
        <label class="label">Delete messages older than (days; 0 keeps them forever)
          <input class="field" type="number" min="0" max="36500" required data-testid="retention-days" value=${days} onInput=${(/** @type {any} */ e) => setDays(e.currentTarget.value)} />
        </label>
        <button class="btn" type="submit" data-testid="retention-save">Save retention</button>
      </form>
      <p class="muted small" data-testid="retention-last-run">
        ${last ? `Last run ${formatDateTime(last.finishedAt)}: removed ${last.removed} ${last.removed === 1 ? 'message' : 'messages'} from ${last.chats} ${last.chats === 1 ? 'chat' : 'chats'}${last.complete ? '' : ' (more to do next run)'}.` : 'Not run yet.'}
      </p>
      <button type="button" class="btn btn-soft" data-testid="retention-run" disabled=${!settings.retentionDays} onClick=${runNow}>Run now</button>
    <//>`;
}

/** @param {{settings: any, save: (p: any) => Promise<void>}} p */
function Sessions({ settings, save }) {
  const [days, setDays] = useState(settings.sessionDays === null ? '' : String(settings.sessionDays));
  return html`
    <${Card} title="Sessions" id="settings-sessions">
      <form class="form" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); void save({ sessionDays: days.trim() ? Number(days) : null }); }}>
        <label class="label">Stay signed in for (days; empty uses the server default)
          <input class="field" type="number" min="1" max="365" data-testid="session-days" value=${days} onInput=${(/** @type {any} */ e) => setDays(e.currentTarget.value)} />
        </label>
        <p class="muted small">Applies to new sign-ins; people already signed in keep their session.</p>
        <button class="btn" type="submit" data-testid="sessions-save">Save sessions</button>
      </form>
    <//>`;
}

/** Password sign-in for people other than admins; off when everyone signs in through Clerk. @param {{settings: any, save: (p: any) => Promise<void>}} p */
function BuiltInAccounts({ settings, save }) {
  const [on, setOn] = useState(settings.builtInAccounts !== false);
  return html`
    <${Card} title="Built-in accounts" id="settings-built-in-accounts">
      <form class="form" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); void save({ builtInAccounts: on }); }}>
        <label class="check-row"><input type="checkbox" data-testid="built-in-accounts" checked=${on}
          onChange=${(/** @type {any} */ e) => setOn(e.currentTarget.checked)} /><span>People may sign in (and sign up) with an email and password</span></label>
        <p class="muted small">When off, only administrators use a password; everyone else signs in with Clerk (CLERK_PUBLISHABLE_KEY).</p>
        <button class="btn" type="submit" data-testid="built-in-accounts-save">Save built-in accounts</button>
      </form>
    <//>`;
}
