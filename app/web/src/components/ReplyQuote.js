// Replies: the quote inside a bubble (click to go to the original) and the bar above the
// composer naming the message being replied to, with a cancel.
import { html } from 'htm/preact';
import { ReplyIcon } from './action-icons.js';
import { CloseIcon } from './icons.js';
import { hueOf } from '../format.js';

/** @param {import('../state.js').ReplyRef} ref */
const excerptOf = (ref) => ref.excerpt || 'This message was deleted';

/** @param {{reply: import('../state.js').ReplyRef, onOpen: (messageId: string) => void}} p */
export function ReplyQuote({ reply, onOpen }) {
  const name = reply.sender ? reply.sender.name : 'Former member';
  return html`<button type="button" class="reply-quote" data-testid="reply-quote" data-reply-to=${reply.id}
    style=${'--hue:' + hueOf(reply.sender ? reply.sender.id : '')} title="Go to the original message"
    onClick=${(/** @type {MouseEvent} */ e) => { e.stopPropagation(); onOpen(reply.id); }}>
    <span class="reply-sender">${name}</span>
    <span class=${'reply-excerpt' + (reply.excerpt ? '' : ' muted')}>${excerptOf(reply)}</span>
  </button>`;
}

/** @param {{reply: import('../state.js').ReplyRef, onCancel: () => void}} p */
export function ReplyBar({ reply, onCancel }) {
  return html`<div class="reply-bar" data-testid="reply-bar">
    <span class="reply-bar-icon"><${ReplyIcon} size=${18} /></span>
    <div class="reply-bar-text">
      <span class="reply-sender">Replying to ${reply.sender ? reply.sender.name : 'Former member'}</span>
      <span class="reply-excerpt">${excerptOf(reply)}</span>
    </div>
    <button type="button" class="icon-btn small" aria-label="Cancel the reply" data-testid="cancel-reply" onClick=${onCancel}>
      <${CloseIcon} size=${16} />
    </button>
  </div>`;
}
