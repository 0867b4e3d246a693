// What one can do with a sent message, on hover, focus or a long press: react, reply, edit and
// delete (edit for its author; delete for its author, group owners and admins). Also the
// inline editor and the delete confirmation.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useEscape, useFocusReturn } from '../focus.js';
import { useApp } from './context.js';
import { ReactionPicker, QUICK_EMOJI } from './ReactionPicker.js';
import { ReplyIcon, SmileIcon, PencilIcon, TrashIcon } from './action-icons.js';
import { MAX_BODY } from '../limits.js';

/** @typedef {import('../state.js').Message} Message */
/** @typedef {import('../state.js').Chat} Chat */

/**
 * What the signed-in user may do with a message (the server checks again).
 * @param {Message} m @param {Chat} chat @param {import('../state.js').User|null} me
 */
export function permissionsFor(m, chat, me) {
  const sent = !!m.id && m.seq != null && !m.status && m.kind !== 'system' && !m.deletedAt;
  if (!me || !sent) return { react: false, reply: false, edit: false, remove: false };
  const own = !!m.sender && m.sender.id === me.id;
  const mine = chat.members.find((x) => x.user.id === me.id);
  const owner = chat.kind === 'group' && !!mine && mine.role === 'owner';
  return { react: true, reply: true, edit: own && m.kind === 'text', remove: own || owner || me.role === 'admin' };
}

/**
 * @param {{message: Message, chat: Chat, open: boolean, onClose: () => void}} p
 */
export function MessageMenu({ message: m, chat, open, onClose }) {
  const { state, actions } = useApp();
  const [picking, setPicking] = useState(false);
  useEscape(open || picking, () => { setPicking(false); onClose(); });
  const can = permissionsFor(m, chat, state.me.value);
  if (!can.react && !can.reply) return null;
  /** @param {string} emoji */
  const react = (emoji) => {
    setPicking(false);
    onClose();
    void actions.toggleReaction(chat.id, m.id, emoji);
  };
  return html`<div class=${'msg-toolbar' + (open || picking ? ' is-open' : '')} role="toolbar" aria-label="Message actions"
    data-testid="message-menu">
    ${QUICK_EMOJI.slice(0, 3).map((e) => html`<button key=${e} type="button" class="tool-btn emoji-quick" title=${'React with ' + e}
      aria-label=${'React with ' + e} data-testid="quick-reaction" data-emoji=${e} onClick=${() => react(e)}>${e}</button>`)}
    <button type="button" class="tool-btn" title="More reactions" aria-label="More reactions" data-testid="react-button"
      aria-expanded=${picking} onClick=${() => setPicking(!picking)}><${SmileIcon} size=${17} /></button>
    <button type="button" class="tool-btn" title="Reply" aria-label="Reply" data-testid="reply-button"
      onClick=${() => { onClose(); actions.startReply(chat.id, m); }}><${ReplyIcon} size=${17} /></button>
    ${can.edit ? html`<button type="button" class="tool-btn" title="Edit" aria-label="Edit" data-testid="edit-button"
      onClick=${() => { onClose(); actions.startEdit(chat.id, m.id); }}><${PencilIcon} size=${16} /></button>` : null}
    ${can.remove ? html`<button type="button" class="tool-btn danger" title="Delete" aria-label="Delete" data-testid="delete-button"
      onClick=${() => { onClose(); actions.askDelete(chat.id, m.id); }}><${TrashIcon} size=${16} /></button>` : null}
    ${picking ? html`<${ReactionPicker} onPick=${react} onClose=${() => setPicking(false)} />` : null}
  </div>`;
}

/** The bubble's text, editable in place: Enter saves, Shift+Enter breaks the line, Escape cancels. */
/** @param {{message: Message, chatId: string}} p */
export function MessageEditor({ message: m, chatId }) {
  const { state, actions } = useApp();
  const [text, setText] = useState(m.body || '');
  const ref = useRef(/** @type {HTMLTextAreaElement|null} */ (null));
  const error = state.editing.value && state.editing.value.error;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    // The editor is taller than the bubble was: keep all of it in view.
    const box = el.closest('.msg-editor');
    if (box) requestAnimationFrame(() => box.scrollIntoView({ block: 'nearest' }));
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 240) + 'px';
  }, [text]);
  const save = () => actions.saveEdit(chatId, m.id, text);
  return html`<div class="msg-editor" data-testid="message-editor">
    <textarea ref=${ref} rows="1" value=${text} aria-label="Edit message" data-testid="edit-input" maxlength=${MAX_BODY + 1000}
      onInput=${(/** @type {any} */ e) => setText(e.currentTarget.value)}
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
        if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); actions.cancelEdit(); }
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); void save(); }
      }}></textarea>
    ${error ? html`<span class="edit-error" role="alert">${error}</span>` : null}
    <div class="msg-editor-actions">
      <span class="muted small">Escape to cancel, Enter to save</span>
      <button type="button" class="link-btn" data-testid="edit-cancel" onClick=${() => actions.cancelEdit()}>Cancel</button>
      <button type="button" class="btn btn-small" data-testid="edit-save" onClick=${save}>Save</button>
    </div>
  </div>`;
}

export function ConfirmDelete() {
  const { state, actions } = useApp();
  const pending = state.pendingDelete.value;
  const ref = useRef(/** @type {HTMLButtonElement|null} */ (null));
  useFocusReturn(!!pending);
  useEffect(() => { if (ref.current) ref.current.focus(); }, [pending && pending.messageId]);
  if (!pending) return null;
  return html`<div class="modal-backdrop" onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) actions.cancelDelete(); }}>
    <div class="modal confirm" role="alertdialog" aria-modal="true" aria-label="Delete message" data-testid="confirm-delete"
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') { e.preventDefault(); actions.cancelDelete(); } }}>
      <h2>Delete this message?</h2>
      <p class="muted">It will be removed for everyone in the chat. This cannot be undone.</p>
      ${pending.error ? html`<p class="error" role="alert">${pending.error}</p>` : null}
      <div class="row end gap">
        <button type="button" class="btn btn-soft" data-testid="confirm-delete-cancel" onClick=${() => actions.cancelDelete()}>Cancel</button>
        <button type="button" class="btn btn-danger-solid" ref=${ref} data-testid="confirm-delete-ok" onClick=${() => actions.confirmDelete()}>Delete</button>
      </div>
    </div>
  </div>`;
}
