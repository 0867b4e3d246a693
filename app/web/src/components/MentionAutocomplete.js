// "@" in the composer opens a list of the chat's members: arrow keys move, Enter or Tab picks,
// Escape closes. useMentions() holds that logic for the composer; the list itself takes props.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Avatar } from './Avatar.js';
import { GROUP_MENTIONS, insertMention, matchPeople, mentionQueryAt } from '../mentions.js';

/** @typedef {{id: string, name: string, group?: boolean}} Option */

/**
 * @param {{
 *   chat: import('../state.js').Chat|null, myId: string, canMentionAll: boolean,
 *   setText: (text: string) => void, textarea: {current: HTMLTextAreaElement|null},
 * }} p
 */
export function useMentions({ chat, myId, canMentionAll, setText }) {
  const [open, setOpen] = useState(/** @type {{start: number, query: string}|null} */ (null));
  const [active, setActive] = useState(0);
  const [picked, setPicked] = useState(/** @type {Array<{id: string, name: string}>} */ ([]));
  const people = chat ? chat.members.filter((m) => m.user.id !== myId).map((m) => ({ id: m.user.id, name: m.user.name })) : [];
  /** @type {Option[]} */
  const groups = canMentionAll && chat && chat.kind === 'group'
    ? GROUP_MENTIONS.map((g) => ({ id: g, name: g, group: true })) : [];
  /** @type {Option[]} */
  const options = open
    ? [...matchPeople(people, open.query), ...groups.filter((g) => g.name.startsWith(open.query.toLowerCase()))]
    : [];
  const showing = !!open && options.length > 0;

  /** Call after every input or caret move. @param {string} text @param {number} caret */
  function update(text, caret) {
    const q = mentionQueryAt(text, caret);
    setOpen(q);
    if (!q || !open || q.start !== open.start) setActive(0);
  }

  /** @param {Option} option @param {HTMLTextAreaElement} el */
  function pick(option, el) {
    if (!open) return;
    const caret = el.selectionStart ?? el.value.length;
    const next = insertMention(el.value, open.start, caret, option.name);
    setText(next.text);
    if (!option.group && !picked.some((p) => p.id === option.id)) setPicked([...picked, { id: option.id, name: option.name }]);
    setOpen(null);
    // After Preact has written the new value: put the caret after the inserted name.
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  }

  /** @param {KeyboardEvent} e @returns {boolean} whether the key was handled here */
  function onKeyDown(e) {
    if (!showing) return false;
    const el = /** @type {HTMLTextAreaElement} */ (e.currentTarget);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + options.length) % options.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      e.preventDefault();
      pick(options[Math.min(active, options.length - 1)], el);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setOpen(null);
      return true;
    }
    return false;
  }

  function reset() {
    setOpen(null);
    setPicked([]);
  }

  const popup = showing ? html`<${MentionList} options=${options} active=${Math.min(active, options.length - 1)}
    onPick=${(/** @type {Option} */ o, /** @type {HTMLTextAreaElement} */ el) => pick(o, el)} />` : null;
  return { update, onKeyDown, reset, picked, popup, open: showing };
}

/** @param {{options: Option[], active: number, onPick: (o: Option, el: HTMLTextAreaElement) => void}} p */
export function MentionList({ options, active, onPick }) {
  return html`<ul class="mention-list" role="listbox" aria-label="Mention someone" data-testid="mention-list">
    ${options.map((o, i) => html`<li key=${o.id} role="option" aria-selected=${i === active}
      class=${'mention-option' + (i === active ? ' is-active' : '')} data-testid="mention-option" data-user-id=${o.id}
      onMouseDown=${(/** @type {MouseEvent} */ e) => {
        // Keep the focus in the composer, then pick.
        e.preventDefault();
        const el = /** @type {HTMLElement} */ (e.currentTarget).closest('.composer-field');
        const ta = el && el.querySelector('textarea');
        if (ta) onPick(o, ta);
      }}>
      ${o.group ? html`<span class="mention-group-icon">@</span>` : html`<${Avatar} id=${o.id} name=${o.name} size=${24} />`}
      <span data-testid="mention-name">${o.group ? '@' + o.name : o.name}</span>
      ${o.group ? html`<span class="muted small">${o.name === 'all' ? 'everyone in the group' : 'everyone online'}</span>` : null}
    </li>`)}
  </ul>`;
}
