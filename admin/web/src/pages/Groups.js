// Groups: search, create with members, rename, members and owner, archive, delete.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi } from '../admin-api.js';
import { Confirm, Dialog } from '../components/Dialog.js';
import { PersonPicker } from '../components/PersonPicker.js';
import { Table } from '../components/Table.js';
import { usePaged } from '../components/usePaged.js';
import { formatDateTime } from '../format.js';
import { attempt } from '../status.js';

export function Groups() {
  const list = usePaged((p) => adminApi.groups(p), 'groups');
  const [dialog, setDialog] = useState(/** @type {any} */ (null));
  const close = () => setDialog(null);
  const closeAndReload = () => { close(); void list.reload(); };

  async function archive(/** @type {any} */ g, /** @type {boolean} */ archived) {
    if (await attempt(() => adminApi.updateGroup(g.id, { archived }), archived ? `${g.name} is archived.` : `${g.name} is open again.`)) void list.reload();
  }
  async function askDelete(/** @type {any} */ g) {
    const detail = await attempt(() => adminApi.group(g.id), '');
    if (detail) setDialog({ kind: 'delete', group: g, messageCount: detail.messageCount });
  }

  const rows = list.rows.map((g) => html`
    <tr key=${g.id} data-testid="group-row" data-name=${g.name}>
      <th scope="row">${g.name}</th>
      <td>${g.memberCount}</td>
      <td>${g.owner ? g.owner.name : '—'}</td>
      <td>${formatDateTime(g.lastMessageAt)}</td>
      <td>${g.archivedAt ? html`<span class="pill pill-off" data-testid="group-archived">Archived</span>` : html`<span class="muted">No</span>`}</td>
      <td class="row-actions">
        <button type="button" class="btn btn-soft small" aria-label=${'Manage ' + g.name} data-testid="group-manage" onClick=${() => setDialog({ kind: 'manage', group: g })}>Manage</button>
        ${g.archivedAt
          ? html`<button type="button" class="btn btn-soft small" aria-label=${'Unarchive ' + g.name} data-testid="group-unarchive" onClick=${() => archive(g, false)}>Unarchive</button>`
          : html`<button type="button" class="btn btn-soft small" aria-label=${'Archive ' + g.name} data-testid="group-archive" onClick=${() => archive(g, true)}>Archive</button>`}
        <button type="button" class="btn btn-danger small" aria-label=${'Delete ' + g.name} data-testid="group-delete" onClick=${() => askDelete(g)}>Delete</button>
      </td>
    </tr>`);

  return html`
    <section>
      <div class="toolbar">
        <input type="search" class="field search-field" placeholder="Search groups" aria-label="Search groups"
          data-testid="groups-search" value=${list.query} onInput=${(/** @type {any} */ e) => list.setQuery(e.currentTarget.value)} />
        <button type="button" class="btn" data-testid="group-create" onClick=${() => setDialog({ kind: 'create' })}>New group</button>
      </div>
      <${Table} caption="Groups" testid="groups-table" columns=${['Name', 'Members', 'Owner', 'Last activity', 'Archived', 'Actions']}
        rows=${rows} empty="No groups match." nextCursor=${list.nextCursor} onMore=${list.more} loading=${list.loading} />
    </section>
    ${dialog && dialog.kind === 'create' ? html`<${CreateGroup} onClose=${close} onDone=${closeAndReload} />` : null}
    ${dialog && dialog.kind === 'manage' ? html`<${ManageGroup} groupId=${dialog.group.id} onClose=${closeAndReload} />` : null}
    ${dialog && dialog.kind === 'delete' ? html`
      <${Confirm} title="Delete this group?" danger confirm="Delete group" onClose=${close}
        message=${`Delete “${dialog.group.name}” with its ${dialog.messageCount} ${dialog.messageCount === 1 ? 'message' : 'messages'}? Its ${dialog.group.memberCount} members lose it at once. This cannot be undone.`}
        onConfirm=${async () => { await attempt(() => adminApi.deleteGroup(dialog.group.id), `${dialog.group.name} was deleted.`); closeAndReload(); }} />` : null}`;
}

/** @param {{onClose: () => void, onDone: () => void}} p */
function CreateGroup({ onClose, onDone }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState(/** @type {any[]} */ ([]));
  const [ownerId, setOwnerId] = useState('');
  async function submit(/** @type {Event} */ e) {
    e.preventDefault();
    const owner = ownerId || (members[0] && members[0].id);
    if (await attempt(() => adminApi.createGroup({ name: name.trim(), memberIds: members.map((m) => m.id), ...(owner ? { ownerId: owner } : {}) }), `${name} was created.`)) onDone();
  }
  return html`
    <${Dialog} title="New group" testid="group-create-dialog" onClose=${onClose}>
      <form class="form" onSubmit=${submit}>
        <label class="label">Name<input class="field" required maxlength="100" autofocus data-testid="group-name" value=${name} onInput=${(/** @type {any} */ e) => setName(e.currentTarget.value)} /></label>
        <${PersonPicker} picked=${members} onChange=${setMembers} label="Members" />
        <label class="label">Owner
          <select class="field" data-testid="group-owner" value=${ownerId} onChange=${(/** @type {any} */ e) => setOwnerId(e.currentTarget.value)}>
            <option value="">${members.length ? 'The first member' : 'Pick members first'}</option>
            ${members.map((m) => html`<option value=${m.id}>${m.name}</option>`)}
          </select>
        </label>
        <div class="dialog-actions"><button type="button" class="btn btn-soft" onClick=${onClose}>Cancel</button>
          <button class="btn" type="submit" data-testid="group-submit" disabled=${!members.length || !name.trim()}>Create group</button></div>
      </form>
    <//>`;
}

/** @param {{groupId: string, onClose: () => void}} p */
function ManageGroup({ groupId, onClose }) {
  const [detail, setDetail] = useState(/** @type {any} */ (null));
  const [name, setName] = useState('');
  const [adding, setAdding] = useState(/** @type {any[]} */ ([]));
  async function load() {
    const d = await attempt(() => adminApi.group(groupId), '');
    if (d) { setDetail(d); setName(d.group.name); }
  }
  useEffect(() => { void load(); }, [groupId]);
  if (!detail) return html`<${Dialog} title="Group" testid="group-manage-dialog" onClose=${onClose}><p class="muted">Loading…</p><//>`;
  const group = detail.group;
  async function rename(/** @type {Event} */ e) {
    e.preventDefault();
    if (name.trim() && name.trim() !== group.name && await attempt(() => adminApi.updateGroup(groupId, { name: name.trim() }), `Renamed to ${name.trim()}.`)) void load();
  }
  async function add() {
    if (await attempt(() => adminApi.addMembers(groupId, adding.map((u) => u.id)), `Added ${adding.map((u) => u.name).join(', ')}.`)) { setAdding([]); void load(); }
  }
  return html`
    <${Dialog} title=${'Manage ' + group.name} testid="group-manage-dialog" onClose=${onClose} wide>
      <form class="inline-form" onSubmit=${rename}>
        <label class="label grow">Name<input class="field" required maxlength="100" data-testid="group-rename" value=${name} onInput=${(/** @type {any} */ e) => setName(e.currentTarget.value)} /></label>
        <button class="btn" type="submit" data-testid="group-rename-save">Rename</button>
      </form>
      <div class="table-wrap">
        <table class="data-table" data-testid="group-members">
          <caption>${detail.members.length} members · ${detail.messageCount} messages</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            ${detail.members.map((/** @type {any} */ m) => html`
              <tr key=${m.id} data-testid="group-member" data-email=${m.email}>
                <th scope="row">${m.name}</th><td>${m.email}</td><td>${m.role}</td>
                <td class="row-actions">
                  ${m.role === 'owner' ? null : html`<button type="button" class="btn btn-soft small" aria-label=${'Make ' + m.name + ' the owner'} data-testid="member-make-owner"
                    onClick=${async () => { if (await attempt(() => adminApi.updateGroup(groupId, { ownerId: m.id }), `${m.name} owns the group now.`)) void load(); }}>Make owner</button>`}
                  <button type="button" class="btn btn-danger small" aria-label=${'Remove ' + m.name} data-testid="member-remove"
                    onClick=${async () => { if (await attempt(() => adminApi.removeMember(groupId, m.id), `${m.name} was removed.`)) void load(); }}>Remove</button>
                </td>
              </tr>`)}
          </tbody>
        </table>
      </div>
      <${PersonPicker} picked=${adding} onChange=${setAdding} exclude=${detail.members.map((/** @type {any} */ m) => m.id)} label="Add members" />
      <div class="dialog-actions">
        <button type="button" class="btn btn-soft" onClick=${onClose}>Close</button>
        <button type="button" class="btn" data-testid="members-add" disabled=${!adding.length} onClick=${add}>Add ${adding.length || ''}</button>
      </div>
    <//>`;
}
