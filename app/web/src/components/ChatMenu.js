// The open chat's own settings and tools in its header: search in this chat, mute, archive.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApp } from './context.js';
import { SearchIcon } from './icons.js';
import { MoreIcon, BellOffIcon, ArchiveIcon } from './action-icons.js';
import { useClickOutside, useEscape, useFocusReturn } from '../focus.js';

/** @param {{chat: import('../state.js').Chat}} p */
export function ChatMenu({ chat }) {
  const { actions } = useApp();
  const [open, setOpen] = useState(false);
  const ref = useClickOutside(open, () => setOpen(false));
  useFocusReturn(open);
  useEscape(open, () => setOpen(false));
  /** @param {() => void} fn */
  const run = (fn) => () => { setOpen(false); fn(); };
  return html`<div class="chat-menu" ref=${ref}>
    ${chat.muted ? html`<span class="muted-flag" title="Muted" data-testid="chat-muted-flag"><${BellOffIcon} size=${16} /></span>` : null}
    <button class="icon-btn" aria-label="Search in this chat" title="Search in this chat" data-testid="search-in-chat"
      onClick=${() => actions.openSearch(chat.id)}><${SearchIcon} /></button>
    <button class=${'icon-btn' + (open ? ' is-active' : '')} aria-label="Chat settings" title="Chat settings" aria-expanded=${open}
      data-testid="chat-menu-button" onClick=${() => setOpen(!open)}><${MoreIcon} /></button>
    ${open ? html`<div class="menu-popover" role="menu" data-testid="chat-menu">
      <button role="menuitem" class="menu-item" data-testid="toggle-mute" onClick=${run(() => actions.setMuted(chat.id, !chat.muted))}>
        <${BellOffIcon} size=${16} />${chat.muted ? 'Unmute notifications' : 'Mute notifications'}</button>
      <button role="menuitem" class="menu-item" data-testid="toggle-archive" onClick=${run(() => actions.setArchived(chat.id, !chat.archived))}>
        <${ArchiveIcon} size=${16} />${chat.archived ? 'Move out of the archive' : 'Archive chat'}</button>
    </div>` : null}
  </div>`;
}
