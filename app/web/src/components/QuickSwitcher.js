// Ctrl/Cmd+K: jump to a chat or a person by typing part of the name. A person opens the direct
// chat with them (created if there is none yet). Arrows move, Enter opens, Escape closes and
// gives the focus back.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { useFocusReturn } from '../focus.js';

const LIMIT = 12;

export function QuickSwitcher() {
  const { state, actions } = useApp();
  const open = state.quickSwitcherOpen.value;
  useEffect(() => {
    /** @param {KeyboardEvent} e */
    const onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        actions.setQuickSwitcher(!state.quickSwitcherOpen.value);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useFocusReturn(open);
  return open ? html`<${SwitcherDialog} />` : null;
}

/** @typedef {{key: string, kind: 'chat'|'person', id: string, name: string, detail: string, avatarId: string, avatarUrl?: string|null, group: boolean}} Option */

function SwitcherDialog() {
  const { state, actions } = useApp();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef(/** @type {HTMLInputElement|null} */ (null));
  useEffect(() => { if (input.current) input.current.focus(); }, []);
  const options = optionsFor(state, query);
  const current = Math.min(active, Math.max(0, options.length - 1));

  /** @param {Option|undefined} o */
  function choose(o) {
    if (!o) return;
    actions.setQuickSwitcher(false);
    if (o.kind === 'chat') void actions.openChat(o.id);
    else void actions.startDirect(o.id);
  }

  /** @param {KeyboardEvent} e */
  function onKeyDown(e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      actions.setQuickSwitcher(false);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      if (options.length) setActive((current + step + options.length) % options.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(options[current]);
    }
  }

  return html`<div class="modal-backdrop quick-switcher-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) actions.setQuickSwitcher(false); }}>
    <div class="modal quick-switcher" role="dialog" aria-modal="true" aria-label="Go to a chat or person" data-testid="quick-switcher" onKeyDown=${onKeyDown}>
      <input ref=${input} type="search" placeholder="Go to a chat or person…" aria-label="Chat or person" data-testid="quick-switcher-input"
        role="combobox" aria-expanded="true" aria-controls="switcher-list" aria-activedescendant=${options[current] ? 'switcher-' + options[current].key : undefined}
        value=${query} onInput=${(/** @type {any} */ e) => { setQuery(e.currentTarget.value); setActive(0); actions.searchDirectory(e.currentTarget.value); }} />
      <ul class="switcher-list" id="switcher-list" role="listbox">
        ${options.map((o, i) => html`<li key=${o.key} role="option" id=${'switcher-' + o.key} aria-selected=${i === current}>
          <button type="button" tabindex="-1" class=${'switcher-option' + (i === current ? ' is-active' : '')} data-testid="quick-switcher-option"
            data-kind=${o.kind} data-id=${o.id} onMouseMove=${() => { if (i !== current) setActive(i); }} onClick=${() => choose(o)}>
            <${Avatar} id=${o.avatarId} name=${o.name} url=${o.avatarUrl} size=${28} group=${o.group} />
            <span class="person-text"><span>${o.name}</span>${o.detail ? html`<span class="muted small">${o.detail}</span>` : null}</span>
            <span class="kind">${o.kind === 'chat' ? (o.group ? 'Group' : 'Chat') : 'Person'}</span>
          </button>
        </li>`)}
        ${!options.length ? html`<li class="muted empty-note">Nothing matches.</li>` : null}
      </ul>
      <div class="switcher-hint">↑ ↓ to move · Enter to open · Esc to close</div>
    </div>
  </div>`;
}

/**
 * Chats first (most recent activity first), then people without a direct chat yet.
 * @param {import('../state.js').AppState} state @param {string} query @returns {Option[]}
 */
function optionsFor(state, query) {
  const term = query.trim().toLowerCase();
  const myId = state.me.value ? state.me.value.id : '';
  const matches = (/** @type {string} */ s) => !term || s.toLowerCase().includes(term);
  /** @type {Option[]} */
  const out = [];
  const withChat = new Set();
  for (const c of state.chatsByRecent.value) {
    const other = c.kind === 'direct' ? c.members.find((m) => m.user.id !== myId) : null;
    if (other) withChat.add(other.user.id);
    if (!matches(c.name)) continue;
    out.push({ key: 'c' + c.id, kind: 'chat', id: c.id, name: c.name, detail: c.kind === 'group' ? membersText(c.memberCount || c.members.length) : '',
      avatarId: other ? other.user.id : c.id, avatarUrl: other ? other.user.avatarUrl : null, group: c.kind === 'group' });
  }
  const people = Object.values(state.users.value)
    .filter((u) => u.id !== myId && !withChat.has(u.id) && (matches(u.name) || (!!term && (u.email || '').toLowerCase().includes(term))))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const u of people) out.push({ key: 'u' + u.id, kind: 'person', id: u.id, name: u.name, detail: u.email || '', avatarId: u.id, avatarUrl: u.avatarUrl, group: false });
  return out.slice(0, LIMIT);
}

/** @param {number} n */
const membersText = (n) => (n === 1 ? '1 member' : `${n} members`);
