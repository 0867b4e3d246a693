// The message box: Enter sends, Shift+Enter breaks the line; typing is reported (throttled by the actions).
// Files (picked, pasted) wait above it as chips; with nothing typed the send button becomes the microphone.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context.js';
import { SendIcon } from './icons.js';
import { AttachmentChips } from './AttachmentChips.js';
import { AttachButton, MicButton, VoiceBar } from './ComposerMedia.js';
import { MAX_BODY } from '../limits.js';
import { canRecord } from '../voice-recorder.js';

/** @param {{chatId: string}} p */
export function Composer({ chatId }) {
  const { state, actions } = useApp();
  const text = state.drafts.value[chatId] || '';
  const ref = useRef(/** @type {HTMLTextAreaElement|null} */ (null));
  const tooLong = text.length > MAX_BODY;
  const uploads = state.uploads.value[chatId] || [];
  const queued = chatId in state.queuedSends.value;
  const voice = state.voice.value && state.voice.value.chatId === chatId ? state.voice.value : null;
  const hasContent = !!text.trim() || uploads.length > 0;

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
    if (tooLong || !hasContent || queued) return;
    if (actions.sendWithFiles(chatId, text)) actions.setDraft(chatId, '');
  }

  if (voice) {
    return html`<${VoiceBar} voice=${voice} onStop=${actions.stopVoice} onCancel=${actions.cancelVoice} onRetry=${actions.retryVoice} />`;
  }
  return html`
    <${AttachmentChips} uploads=${uploads} queued=${queued} onRemove=${(/** @type {string} */ id) => actions.removeUpload(chatId, id)}
      onRetry=${(/** @type {string} */ id) => actions.retryUpload(chatId, id)} onUnqueue=${() => actions.unqueueSend(chatId)} />
    <form class="composer" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); submit(); }}>
      <div class="attach-slot">
        <${AttachButton} onFiles=${(/** @type {File[]} */ files) => actions.addFiles(chatId, files)} />
      </div>
      <div class="composer-field">
        <textarea ref=${ref} rows="1" placeholder="Write a message…" aria-label="Message" data-testid="composer"
          value=${text} maxlength=${MAX_BODY + 1000}
          onInput=${(/** @type {any} */ e) => { actions.setDraft(chatId, e.currentTarget.value); actions.typingInput(chatId); }}
          onPaste=${(/** @type {ClipboardEvent} */ e) => {
            const files = [...((e.clipboardData && e.clipboardData.files) || [])];
            if (!files.length) return;
            e.preventDefault();
            actions.addFiles(chatId, files);
          }}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              submit();
            }
          }}></textarea>
        ${tooLong ? html`<span class="too-long" role="alert">${text.length - MAX_BODY} characters over the limit</span>` : null}
      </div>
      ${!hasContent && canRecord() ? html`<${MicButton} onStart=${() => actions.startVoice(chatId)} />` : html`
      <button type="submit" class="send-btn" data-testid="send-button" aria-label="Send" disabled=${!hasContent || tooLong || queued}>
        <${SendIcon} size=${18} />
      </button>`}
    </form>`;
}
