// Things that float above the layout: the connection banner and the message toasts.
import { html } from 'htm/preact';
import { useApp } from './context.js';
import { CloseIcon } from './icons.js';

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

export function Toasts() {
  const { state, actions } = useApp();
  const toasts = state.toasts.value;
  if (!toasts.length) return null;
  return html`
    <div class="toasts" aria-live="polite">
      ${toasts.map((t) => html`
        <div class="toast" key=${t.id} data-testid="toast" data-chat-id=${t.chatId}>
          <button class="toast-main" onClick=${() => actions.openChat(t.chatId)}>
            <strong>${t.title}</strong>
            <span>${t.body}</span>
          </button>
          <button class="icon-btn small" aria-label="Dismiss" onClick=${() => actions.dismissToast(t.id)}><${CloseIcon} size=${14} /></button>
        </div>`)}
    </div>`;
}
