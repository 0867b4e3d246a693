// People: search, add one, import many from CSV (dry run first), edit, deactivate, reset password.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Avatar } from 'chatflow/components/Avatar.js';
import { adminApi } from '../admin-api.js';
import { Confirm, Dialog, OneTimeSecret } from '../components/Dialog.js';
import { Table } from '../components/Table.js';
import { usePaged } from '../components/usePaged.js';
import { formatDate, formatSeen } from '../format.js';
import { attempt } from '../status.js';

/** @param {{me: any}} p */
export function People({ me }) {
  const list = usePaged((p) => adminApi.users(p), 'users');
  const [dialog, setDialog] = useState(/** @type {any} */ (null));
  const close = () => setDialog(null);
  const done = () => { close(); void list.reload(); };

  const rows = list.rows.map((u) => html`
    <tr key=${u.id} data-testid="person-row" data-email=${u.email}>
      <th scope="row"><span class="cell-person"><${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} size=${28} /><span>${u.name}</span></span></th>
      <td>${u.email}</td>
      <td><span class=${'pill' + (u.role === 'admin' ? ' pill-accent' : '')}>${u.role}</span></td>
      <td><span class=${'pill' + (u.status === 'active' ? ' pill-ok' : ' pill-off')} data-testid="person-status">${u.status}</span></td>
      <td>${formatSeen(u.lastSeenAt)}</td>
      <td>${formatDate(u.createdAt)}</td>
      <td class="row-actions">
        <button type="button" class="btn btn-soft small" aria-label=${'Edit ' + u.name} data-testid="person-edit" onClick=${() => setDialog({ kind: 'edit', user: u })}>Edit</button>
        <button type="button" class="btn btn-soft small" aria-label=${'Reset the password of ' + u.name} data-testid="person-reset" onClick=${() => setDialog({ kind: 'reset', user: u })}>Reset password</button>
        ${u.id === me.id ? null : u.status === 'active'
          ? html`<button type="button" class="btn btn-danger small" aria-label=${'Deactivate ' + u.name} data-testid="person-deactivate" onClick=${() => setDialog({ kind: 'deactivate', user: u })}>Deactivate</button>`
          : html`<button type="button" class="btn btn-soft small" aria-label=${'Reactivate ' + u.name} data-testid="person-reactivate"
              onClick=${async () => { if (await attempt(() => adminApi.updateUser(u.id, { status: 'active' }), `${u.name} can sign in again.`)) void list.reload(); }}>Reactivate</button>`}
      </td>
    </tr>`);

  return html`
    <section aria-labelledby="people-tools">
      <h2 id="people-tools" class="sr-only">Find and add people</h2>
      <div class="toolbar">
        <input type="search" class="field search-field" placeholder="Search by name or email" aria-label="Search people"
          data-testid="people-search" value=${list.query} onInput=${(/** @type {any} */ e) => list.setQuery(e.currentTarget.value)} />
        <button type="button" class="btn" data-testid="person-add" onClick=${() => setDialog({ kind: 'add' })}>Add person</button>
        <button type="button" class="btn btn-soft" data-testid="people-import" onClick=${() => setDialog({ kind: 'import' })}>Import CSV</button>
      </div>
      <${Table} caption="People" testid="people-table" columns=${['Name', 'Email', 'Role', 'Status', 'Last seen', 'Created', 'Actions']}
        rows=${rows} empty="No one matches." nextCursor=${list.nextCursor} onMore=${list.more} loading=${list.loading} />
    </section>
    ${dialog && dialog.kind === 'add' ? html`<${AddPerson} onClose=${close} onDone=${() => void list.reload()} />` : null}
    ${dialog && dialog.kind === 'import' ? html`<${ImportPeople} onClose=${close} onDone=${() => void list.reload()} />` : null}
    ${dialog && dialog.kind === 'edit' ? html`<${EditPerson} user=${dialog.user} onClose=${close} onDone=${done} />` : null}
    ${dialog && dialog.kind === 'reset' ? html`<${ResetPassword} user=${dialog.user} onClose=${close} />` : null}
    ${dialog && dialog.kind === 'deactivate' ? html`
      <${Confirm} title="Deactivate this person?" danger confirm="Deactivate" onClose=${close}
        message=${`${dialog.user.name} (${dialog.user.email}) is signed out everywhere at once and cannot sign in until reactivated.`}
        onConfirm=${async () => { if (await attempt(() => adminApi.updateUser(dialog.user.id, { status: 'deactivated' }), `${dialog.user.name} is deactivated.`)) done(); else close(); }} />` : null}`;
}

/** @param {{onClose: () => void, onDone: () => void}} p */
function AddPerson({ onClose, onDone }) {
  const [form, setForm] = useState({ email: '', name: '', role: 'user' });
  const [created, setCreated] = useState(/** @type {any} */ (null));
  const set = (/** @type {string} */ key) => (/** @type {any} */ e) => setForm({ ...form, [key]: e.currentTarget.value });
  async function submit(/** @type {Event} */ e) {
    e.preventDefault();
    const result = await attempt(() => adminApi.createUser({ ...form, email: form.email.trim() }), `${form.name} was added.`);
    if (result) { setCreated(result); onDone(); }
  }
  if (created) {
    return html`
      <${Dialog} title="Person added" testid="person-created" onClose=${onClose}>
        <p>${created.user.name} can sign in as <strong>${created.user.email}</strong> with this one-time password.</p>
        <${OneTimeSecret} label="One-time password" value=${created.password} testid="one-time-password" />
        <div class="dialog-actions"><button type="button" class="btn" onClick=${onClose}>Done</button></div>
      <//>`;
  }
  return html`
    <${Dialog} title="Add a person" testid="person-add-dialog" onClose=${onClose}>
      <form class="form" onSubmit=${submit}>
        <label class="label">Name<input class="field" required maxlength="100" autofocus data-testid="person-name" value=${form.name} onInput=${set('name')} /></label>
        <label class="label">Email<input class="field" type="email" required data-testid="person-email" value=${form.email} onInput=${set('email')} /></label>
        <label class="label">Role
          <select class="field" data-testid="person-role" value=${form.role} onChange=${set('role')}>
            <option value="user">Member</option><option value="admin">Admin</option>
          </select>
        </label>
        <p class="muted small">A one-time password is generated and shown once.</p>
        <div class="dialog-actions"><button type="button" class="btn btn-soft" onClick=${onClose}>Cancel</button><button class="btn" type="submit" data-testid="person-submit">Add person</button></div>
      </form>
    <//>`;
}

const OUTCOME_LABEL = { create: 'Create', skip: 'Skip (exists)', refuse: 'Refuse' };

/** @param {{onClose: () => void, onDone: () => void}} p */
function ImportPeople({ onClose, onDone }) {
  const [csv, setCsv] = useState('');
  const [plan, setPlan] = useState(/** @type {any} */ (null));
  const [imported, setImported] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  async function readFile(/** @type {any} */ e) {
    const file = e.currentTarget.files && e.currentTarget.files[0];
    if (file) { setCsv(await file.text()); setPlan(null); }
  }
  async function run(/** @type {boolean} */ dryRun) {
    setBusy(true);
    const result = await attempt(() => adminApi.importUsers(csv, dryRun),
      dryRun ? '' : 'The import is done.');
    setBusy(false);
    if (!result) return;
    if (dryRun) setPlan(result);
    else { setImported(result); onDone(); }
  }
  const shown = imported || plan;
  return html`
    <${Dialog} title="Import people from CSV" testid="import-dialog" onClose=${onClose} wide>
      ${imported ? null : html`
        <p class="muted small">One person per line: <code>email,name,role</code> (role is <code>user</code> or <code>admin</code>, empty means user). A header line is fine. Nothing is written until you confirm after the check.</p>
        <label class="label">CSV file<input class="field" type="file" accept=".csv,text/csv" data-testid="import-file" onChange=${readFile} /></label>
        <label class="label">…or paste the lines
          <textarea class="field mono" rows="5" data-testid="import-text" value=${csv} onInput=${(/** @type {any} */ e) => { setCsv(e.currentTarget.value); setPlan(null); }}></textarea>
        </label>
        <div class="dialog-actions">
          <button type="button" class="btn btn-soft" data-testid="import-check" disabled=${!csv.trim() || busy} onClick=${() => run(true)}>Check (dry run)</button>
          <button type="button" class="btn" data-testid="import-run" disabled=${!plan || plan.summary.create === 0 || busy} onClick=${() => run(false)}>
            ${plan ? `Import ${plan.summary.create} ${plan.summary.create === 1 ? 'person' : 'people'}` : 'Import'}
          </button>
        </div>`}
      ${shown ? html`
        <p class="import-summary" data-testid="import-summary" role="status">
          ${imported ? 'Created' : 'Would create'} <strong data-testid="import-create">${shown.summary.create}</strong>,
          skip <strong data-testid="import-skip">${shown.summary.skip}</strong> (already exist),
          refuse <strong data-testid="import-refuse">${shown.summary.refuse}</strong>.
        </p>
        ${imported ? html`<p class="muted small">The one-time passwords are shown this once: copy them now.</p>` : null}
        <div class="table-wrap import-table">
          <table class="data-table" data-testid="import-rows">
            <caption class="sr-only">${imported ? 'Imported people' : 'What the import would do'}</caption>
            <thead><tr><th scope="col">Line</th><th scope="col">Email</th><th scope="col">Outcome</th><th scope="col">${imported ? 'One-time password' : 'Reason'}</th></tr></thead>
            <tbody>
              ${shown.rows.map((/** @type {any} */ r) => html`
                <tr data-testid="import-row" data-outcome=${r.outcome} data-email=${r.email}>
                  <td>${r.line}</td><td>${r.email || '—'}</td>
                  <td><span class=${'pill pill-' + r.outcome}>${OUTCOME_LABEL[/** @type {'create'|'skip'|'refuse'} */ (r.outcome)]}</span></td>
                  <td class=${r.password ? 'mono' : ''} data-testid=${r.password ? 'import-password' : undefined}>${r.password || r.reason || ''}</td>
                </tr>`)}
            </tbody>
          </table>
        </div>
        ${imported ? html`<div class="dialog-actions"><button type="button" class="btn" onClick=${onClose}>Done</button></div>` : null}` : null}
    <//>`;
}

/** @param {{user: any, onClose: () => void, onDone: () => void}} p */
function EditPerson({ user, onClose, onDone }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  async function submit(/** @type {Event} */ e) {
    e.preventDefault();
    const patch = { ...(name.trim() !== user.name ? { name } : {}), ...(role !== user.role ? { role } : {}) };
    if (!Object.keys(patch).length) return onClose();
    if (await attempt(() => adminApi.updateUser(user.id, patch), `${name} was saved.`)) onDone();
  }
  return html`
    <${Dialog} title=${'Edit ' + user.name} testid="person-edit-dialog" onClose=${onClose}>
      <form class="form" onSubmit=${submit}>
        <label class="label">Name<input class="field" required maxlength="100" data-testid="edit-name" value=${name} onInput=${(/** @type {any} */ e) => setName(e.currentTarget.value)} /></label>
        <label class="label">Role
          <select class="field" data-testid="edit-role" value=${role} onChange=${(/** @type {any} */ e) => setRole(e.currentTarget.value)}>
            <option value="user">Member</option><option value="admin">Admin</option>
          </select>
        </label>
        <div class="dialog-actions"><button type="button" class="btn btn-soft" onClick=${onClose}>Cancel</button><button class="btn" type="submit" data-testid="edit-save">Save</button></div>
      </form>
    <//>`;
}

/** @param {{user: any, onClose: () => void}} p */
function ResetPassword({ user, onClose }) {
  const [password, setPassword] = useState('');
  if (password) {
    return html`
      <${Dialog} title="Password reset" testid="password-reset" onClose=${onClose}>
        <p>${user.name} was signed out everywhere. Their new password:</p>
        <${OneTimeSecret} label="One-time password" value=${password} testid="one-time-password" />
        <div class="dialog-actions"><button type="button" class="btn" onClick=${onClose}>Done</button></div>
      <//>`;
  }
  return html`
    <${Confirm} title="Reset this password?" confirm="Reset password" onClose=${onClose}
      message=${`${user.name} is signed out everywhere and gets a new one-time password, shown to you once.`}
      onConfirm=${async () => { const r = await attempt(() => adminApi.resetPassword(user.id), `${user.name}'s password was reset.`); if (r) setPassword(r.password); else onClose(); }} />`;
}
