// The message box: Enter sends, Shift+Enter breaks the line; typing is reported (throttled by the actions).
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context.js';
import { SendIcon, ClipIcon } from './icons.js';
import { MAX_BODY } from '../limits.js';

/** @param {{chatId: string}} p */
export function Composer({ chatId }) {
  const { state, actions } = useApp();
  const text = state.drafts.value[chatId] || '';
  const ref = useRef(/** @type {HTMLTextAreaElement|null} */ (null));
  const tooLong = text.length > MAX_BODY;

  useEffect(() => {
    // Focus on wide screens only: on a phone it would pop the keyboard over the messages.
    if (ref.current && window.matchMedia('(min-width: 761px)').matches) ref.current.focus();
  }, [chatId]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 180) + 'px';
  }, [text]);

  function submit() {
    if (tooLong || !text.trim()) return;
    if (actions.sendMessage(chatId, text)) actions.setDraft(chatId, '');
  }

  const chat = state.chats.value[chatId];
  if (chat && chat.groupArchivedAt) {
    return html`<div class="composer composer-archived" role="status" data-testid="composer-archived">
      This group is archived: an admin has closed it to new messages. Its history stays readable.</div>`;
  }
  return html`
    <form class="composer" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); submit(); }}>
      <div class="attach-slot">
        <button type="button" class="icon-btn" data-testid="attach-button" aria-label="Attach a file (coming soon)"
          title="Attachments are coming soon" disabled><${ClipIcon} /></button>
      </div>
      <div class="composer-field">
        <textarea ref=${ref} rows="1" placeholder="Write a message…" aria-label="Message" data-testid="composer"
          value=${text} maxlength=${MAX_BODY + 1000}
          onInput=${(/** @type {any} */ e) => { actions.setDraft(chatId, e.currentTarget.value); actions.typingInput(chatId); }}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              submit();
            }
          }}></textarea>
        ${tooLong ? html`<span class="too-long" role="alert">${text.length - MAX_BODY} characters over the limit</span>` : null}
      </div>
      <button type="submit" class="send-btn" data-testid="send-button" aria-label="Send" disabled=${!text.trim() || tooLong}>
        <${SendIcon} size=${18} />
      </button>
    </form>`;
}
