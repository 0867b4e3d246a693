// "New message" (pick a person) and "New group" (name + members) dialogs, the confirmation of
// destructive actions and the quick switcher.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { CloseIcon } from './icons.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { QuickSwitcher } from './QuickSwitcher.js';
import { useFocusReturn } from '../focus.js';

export function Dialogs() {
  const { state } = useApp();
  const which = state.dialog.value;
  useFocusReturn(which === 'direct' || which === 'group');
  return html`
    ${which === 'direct' ? html`<${NewDirectDialog} />` : which === 'group' ? html`<${NewGroupDialog} />` : null}
    <${ConfirmDialog} />
    <${QuickSwitcher} />`;
}

/** @param {{title: string, testid: string, children: any}} p */
function Modal({ title, testid, children }) {
  const { actions } = useApp();
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  useEffect(() => {
    const first = ref.current && ref.current.querySelector('input');
    if (first) first.focus();
  }, []);
  return html`
    <div class="modal-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) actions.openDialog(null); }}>
      <div class="modal" role="dialog" aria-modal="true" aria-label=${title} data-testid=${testid} ref=${ref}
        onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') { e.stopPropagation(); actions.openDialog(null); } }}>
        <div class="modal-head">
          <h2>${title}</h2>
          <button class="icon-btn small" aria-label="Close" onClick=${() => actions.openDialog(null)}><${CloseIcon} size=${18} /></button>
        </div>
        ${children}
      </div>
    </div>`;
}

/** @param {string} query */
function usePeople(query) {
  const { state } = useApp();
  const myId = state.me.value ? state.me.value.id : '';
  const term = query.trim().toLowerCase();
  return Object.values(state.users.value)
    // Deactivated people cannot be messaged or added: pickers leave them out.
    .filter((u) => u.id !== myId && u.status !== 'deactivated' && (u.name.toLowerCase().includes(term) || (u.email || '').toLowerCase().includes(term)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 50);
}

function NewDirectDialog() {
  const { state, actions } = useApp();
  const [query, setQuery] = useState('');
  const people = usePeople(query);
  return html`
    <${Modal} title="New message" testid="new-direct-dialog">
      <input type="search" class="field" placeholder="Search people by name or email" aria-label="Search people"
        data-testid="people-search" value=${query}
        onInput=${(/** @type {any} */ e) => { setQuery(e.currentTarget.value); actions.searchDirectory(e.currentTarget.value); }} />
      ${state.dialogError.value ? html`<p class="error" role="alert">${state.dialogError.value}</p>` : null}
      <ul class="picker tall">
        ${people.map((u) => html`
          <li key=${u.id}>
            <button class="person-row" data-testid="person-option" data-user-id=${u.id} onClick=${() => actions.startDirect(u.id)}>
              <${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} size=${32} online=${!!state.presence.value[u.id]?.online} />
              <span class="person-text"><span>${u.name}</span><span class="muted small">${u.email}</span></span>
            </button>
          </li>`)}
        ${!people.length ? html`<li class="muted empty-note">No one found.</li>` : null}
      </ul>
    <//>`;
}

function NewGroupDialog() {
  const { state, actions } = useApp();
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState(/** @type {string[]} */ ([]));
  const [busy, setBusy] = useState(false);
  const people = usePeople(query);
  const users = state.users.value;
  const toggle = (/** @type {string} */ id) => setPicked(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);
  async function create(/** @type {Event} */ e) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    await actions.createGroup(name, picked);
    setBusy(false);
  }
  return html`
    <${Modal} title="New group" testid="new-group-dialog">
      <form onSubmit=${create} class="stack">
        <label class="label">Group name
          <input class="field" data-testid="group-name" value=${name} maxlength="100" required
            placeholder="e.g. Design team" onInput=${(/** @type {any} */ e) => setName(e.currentTarget.value)} />
        </label>
        ${picked.length ? html`
          <div class="picked">
            ${picked.map((id) => html`<button type="button" class="chip is-active" key=${id} onClick=${() => toggle(id)}
              aria-label=${'Remove ' + (users[id] ? users[id].name : '')}>${users[id] ? users[id].name : id} ×</button>`)}
          </div>` : null}
        <input type="search" class="field" placeholder="Add members" aria-label="Search members" data-testid="member-search"
          value=${query} onInput=${(/** @type {any} */ e) => { setQuery(e.currentTarget.value); actions.searchDirectory(e.currentTarget.value); }} />
        <ul class="picker">
          ${people.map((u) => html`
            <li key=${u.id}>
              <label class="person-row">
                <input type="checkbox" data-testid="member-option" data-user-id=${u.id} data-name=${u.name}
                  checked=${picked.includes(u.id)} onChange=${() => toggle(u.id)} />
                <${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} size=${28} />
                <span class="person-text"><span>${u.name}</span><span class="muted small">${u.email}</span></span>
              </label>
            </li>`)}
          ${!people.length ? html`<li class="muted empty-note">No one found.</li>` : null}
        </ul>
        ${state.dialogError.value ? html`<p class="error" role="alert">${state.dialogError.value}</p>` : null}
        <div class="row end gap">
          <button type="button" class="btn btn-soft" onClick=${() => actions.openDialog(null)}>Cancel</button>
          <button type="submit" class="btn" data-testid="create-group" disabled=${busy || !name.trim()}>
            Create group${picked.length ? ` (${picked.length + 1})` : ''}
          </button>
        </div>
      </form>
    <//>`;
}
