// The composer's emoji button: a searchable grid (by shortcode, tag or description) that inserts
// the picked emoji at the caret. Escape or a click outside closes it and gives focus back.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { icon } from './icons.js';
import { searchEmoji } from '../emoji.js';
import { useClickOutside, useFocusReturn } from '../focus.js';

const SmileIcon = icon('M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01');

/** @param {{onPick: (emoji: string) => void}} p */
export function EmojiButton({ onPick }) {
  const [open, setOpen] = useState(false);
  const ref = useClickOutside(open, () => setOpen(false));
  return html`<div class="emoji-slot" ref=${ref}>
    <button type="button" class=${'icon-btn' + (open ? ' is-active' : '')} data-testid="emoji-button" aria-label="Insert emoji" title="Insert emoji"
      aria-expanded=${open} aria-haspopup="dialog" onClick=${() => setOpen(!open)}><${SmileIcon} /></button>
    ${open ? html`<${EmojiPicker} onPick=${(/** @type {string} */ emoji) => { setOpen(false); onPick(emoji); }} onClose=${() => setOpen(false)} />` : null}
  </div>`;
}

/** @param {{onPick: (emoji: string) => void, onClose: () => void}} p */
function EmojiPicker({ onPick, onClose }) {
  const [query, setQuery] = useState('');
  const input = useRef(/** @type {HTMLInputElement|null} */ (null));
  useFocusReturn(true);
  useEffect(() => { if (input.current) input.current.focus(); }, []);
  const list = searchEmoji(query, 96);
  return html`<div class="emoji-picker" role="dialog" aria-label="Emoji" data-testid="emoji-picker"
    onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); } }}>
    <input ref=${input} type="search" placeholder="Search emoji (e.g. smile)" aria-label="Search emoji" data-testid="emoji-search"
      value=${query} onInput=${(/** @type {any} */ e) => setQuery(e.currentTarget.value)}
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Enter') { e.preventDefault(); if (list[0]) onPick(list[0].emoji); } }} />
    <div class="emoji-grid">
      ${list.map((e) => html`<button type="button" key=${e.names[0]} data-testid="emoji-option" data-name=${e.names[0]}
        title=${':' + e.names[0] + ':'} aria-label=${e.description} onClick=${() => onPick(e.emoji)}>${e.emoji}</button>`)}
    </div>
    ${!list.length ? html`<p class="muted small">No emoji found.</p>` : null}
  </div>`;
}
