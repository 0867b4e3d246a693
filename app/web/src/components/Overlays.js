// Things that float above the layout: the connection banner, the message toasts and the notice
// of a chat that closed by itself. Toasts sit away from the composer (see styles.css), can be
// dismissed, and stay while the pointer or focus is on them.
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { CloseIcon } from './icons.js';

/** After the pointer leaves, a held toast stays this long before it may go. */
const LINGER_MS = 2000;

export function ConnectionBanner() {
  const { state } = useApp();
  const status = state.connection.value;
  if (status === 'online') return null;
  const text = status === 'offline'
    ? 'You are offline. Messages will be sent when the connection is back.'
    : state.everConnected.value ? 'Reconnecting…' : 'Connecting…';
  return html`<div class=${'connection-banner is-' + status} role="status" data-testid="connection-banner" data-status=${status}>
    <span class="pulse"></span>${text}</div>`;
}

/** @typedef {import('../state.js').Toast} Toast */

export function Toasts() {
  const { state, actions } = useApp();
  // While hovered (or focused), the toasts shown are kept even when their time is up.
  const [held, setHeld] = useState(/** @type {Toast[]|null} */ (null));
  const timer = useRef(/** @type {ReturnType<typeof setTimeout>|undefined} */ (undefined));
  const live = state.toasts.value;
  const notice = state.closedNotice.value;
  const toasts = held ? [...held, ...live.filter((t) => !held.some((h) => h.id === t.id))] : live;
  if (!toasts.length && !notice) return null;

  const hold = () => {
    clearTimeout(timer.current);
    setHeld((h) => h || state.toasts.value);
  };
  const release = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setHeld(null), LINGER_MS);
  };
  /** @param {number} id */
  const dismiss = (id) => {
    setHeld((h) => (h ? h.filter((t) => t.id !== id) : h));
    actions.dismissToast(id);
  };

  return html`
    <div class="toasts" aria-live="polite" data-testid="toasts" onMouseEnter=${hold} onMouseLeave=${release} onFocusIn=${hold} onFocusOut=${release}>
      ${notice ? html`
        <div class="toast is-notice" role="alert" data-testid="chat-closed-notice">
          <div class="toast-main"><strong>Chat closed</strong><span>${notice.text}</span></div>
          <button class="icon-btn small" aria-label="Dismiss" data-testid="toast-dismiss" onClick=${() => actions.dismissClosedNotice()}><${CloseIcon} size=${14} /></button>
        </div>` : null}
      ${toasts.map((t) => html`
        <div class="toast" key=${t.id} data-testid="toast" data-chat-id=${t.chatId}>
          <button class="toast-main" onClick=${() => { dismiss(t.id); actions.openChat(t.chatId); }}>
            <strong>${t.title}</strong>
            <span>${t.body}</span>
          </button>
          <button class="icon-btn small" aria-label="Dismiss" data-testid="toast-dismiss" onClick=${() => dismiss(t.id)}><${CloseIcon} size=${14} /></button>
        </div>`)}
    </div>`;
}
