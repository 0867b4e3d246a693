// The message box: Enter sends, Shift+Enter breaks the line; typing is reported (throttled by the actions).
// "@" offers the chat's members to mention; a reply being written shows its quote above the box.
// Files (picked, pasted) wait above it as chips; with nothing typed the send button becomes the microphone.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context.js';
import { SendIcon } from './icons.js';
import { AttachmentChips } from './AttachmentChips.js';
import { AttachButton, MicButton, VoiceBar } from './ComposerMedia.js';
import { MAX_BODY } from '../limits.js';
import { useMentions } from './MentionAutocomplete.js';
import { ReplyBar } from './ReplyQuote.js';
import { mentionsIn } from '../mentions.js';
import { canRecord } from '../voice-recorder.js';
import { EmojiButton } from './EmojiPicker.js';

/** @param {{chatId: string}} p */
export function Composer({ chatId }) {
  const { state, actions } = useApp();
  const text = state.drafts.value[chatId] || '';
  const ref = useRef(/** @type {HTMLTextAreaElement|null} */ (null));
  const tooLong = text.length > MAX_BODY;
  const me = state.me.value;
  const chat = state.chats.value[chatId] || null;
  const mine = chat && me ? chat.members.find((m) => m.user.id === me.id) : null;
  const mention = useMentions({
    chat, myId: me ? me.id : '', textarea: ref,
    canMentionAll: !!(me && (me.role === 'admin' || (mine && mine.role === 'owner'))),
    setText: (next) => actions.setDraft(chatId, next),
  });
  const reply = state.replyDrafts.value[chatId] || null;
  const uploads = state.uploads.value[chatId] || [];
  const queued = chatId in state.queuedSends.value;
  const voice = state.voice.value && state.voice.value.chatId === chatId ? state.voice.value : null;
  const hasContent = !!text.trim() || uploads.length > 0;

  useEffect(() => {
    if (reply && ref.current) ref.current.focus();
  }, [reply && reply.id]);

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

  /** Puts the emoji where the caret is (or over the selection), then the caret after it. @param {string} emoji */
  function insertAtCaret(emoji) {
    const el = ref.current;
    const start = el ? el.selectionStart ?? text.length : text.length;
    const end = el ? el.selectionEnd ?? start : start;
    const next = text.slice(0, start) + emoji + text.slice(end);
    actions.setDraft(chatId, next);
    const caret = start + emoji.length;
    requestAnimationFrame(() => {
      if (!ref.current) return;
      ref.current.focus();
      ref.current.setSelectionRange(caret, caret);
    });
  }

  function submit() {
    if (tooLong || !hasContent || queued) return;
    if (!actions.sendWithFiles(chatId, text, { replyTo: reply, ...mentionsIn(text, mention.picked) })) return;
    actions.setDraft(chatId, '');
    actions.cancelReply(chatId);
    mention.reset();
  }

  if (chat && chat.groupArchivedAt) {
    return html`<div class="composer composer-archived" role="status" data-testid="composer-archived">
      This group is archived: an admin has closed it to new messages. Its history stays readable.</div>`;
  }
  if (voice) {
    return html`<${VoiceBar} voice=${voice} onStop=${actions.stopVoice} onCancel=${actions.cancelVoice} onRetry=${actions.retryVoice} />`;
  }
  return html`
    ${reply ? html`<${ReplyBar} reply=${reply} onCancel=${() => actions.cancelReply(chatId)} />` : null}
    <${AttachmentChips} uploads=${uploads} queued=${queued} onRemove=${(/** @type {string} */ id) => actions.removeUpload(chatId, id)}
      onRetry=${(/** @type {string} */ id) => actions.retryUpload(chatId, id)} onUnqueue=${() => actions.unqueueSend(chatId)} />
    <form class="composer" onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); submit(); }}>
      <div class="attach-slot">
        <${AttachButton} onFiles=${(/** @type {File[]} */ files) => actions.addFiles(chatId, files)} />
      </div>
      <div class="composer-field">
        <textarea ref=${ref} rows="1" placeholder="Write a message…" aria-label="Message" data-testid="composer"
          value=${text} maxlength=${MAX_BODY + 1000}
          onInput=${(/** @type {any} */ e) => {
            actions.setDraft(chatId, e.currentTarget.value);
            actions.typingInput(chatId);
            mention.update(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length);
          }}
          onClick=${(/** @type {any} */ e) => mention.update(e.currentTarget.value, e.currentTarget.selectionStart ?? 0)}
          aria-expanded=${mention.open} aria-autocomplete="list"
          onPaste=${(/** @type {ClipboardEvent} */ e) => {
            const files = [...((e.clipboardData && e.clipboardData.files) || [])];
            if (!files.length) return;
            e.preventDefault();
            actions.addFiles(chatId, files);
          }}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
            if (mention.onKeyDown(e)) return;
            if (e.key === 'ArrowUp' && !text && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
              // Up in an empty box edits one's last message, as in most chat apps.
              const entry = state.messages.value[chatId];
              const last = entry && me ? [...entry.items].reverse().find((m) => m.sender.id === me.id && m.seq != null && !m.status && !m.deletedAt && m.kind === 'text') : null;
              if (last) {
                e.preventDefault();
                actions.startEdit(chatId, last.id);
                return;
              }
            }
            if (e.key === 'Escape' && reply) {
              e.preventDefault();
              actions.cancelReply(chatId);
              return;
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              submit();
            }
          }}></textarea>
        ${mention.popup}
        ${tooLong ? html`<span class="too-long" role="alert">${text.length - MAX_BODY} characters over the limit</span>` : null}
      </div>
      <${EmojiButton} onPick=${insertAtCaret} />
      ${!hasContent && canRecord() ? html`<${MicButton} onStart=${() => actions.startVoice(chatId)} />` : html`
      <button type="submit" class="send-btn" data-testid="send-button" aria-label="Send" disabled=${!hasContent || tooLong || queued}>
        <${SendIcon} size=${18} />
      </button>`}
    </form>`;
}
