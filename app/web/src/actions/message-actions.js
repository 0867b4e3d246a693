// Acting on a message that was sent: edit, delete, react, reply to it, and jump to it.
// Each goes over the socket (REST when it is down); the change comes back to every member as
// message:updated, which replaces the message in place.
import { batch } from '@preact/signals-core';
import { api } from '../api.js';
import * as store from '../store.js';
import { MAX_BODY } from '../limits.js';
import { mentionsIn } from '../mentions.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').Message} Message */
/** @typedef {{ok: boolean, message?: Message, error?: {code: string, message: string}}} Ack */

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : 'Something went wrong.');

/**
 * @param {AppState} state
 * @param {{
 *   socket: import('../socket.js').SocketClient,
 *   history: import('./history.js').History,
 *   ingest: (chatId: string, list: Message[], live: boolean) => void,
 *   notifyFailure: (chatId: string, title: string, body: string) => void,
 * }} deps
 */
export function createMessageActions(state, { socket, history, ingest, notifyFailure }) {
  /**
   * One action through the socket, or REST when the socket is not connected.
   * @param {string} event @param {object} payload @param {() => Promise<any>} rest @returns {Promise<Ack>}
   */
  async function perform(event, payload, rest) {
    if (socket.isConnected()) {
      const res = /** @type {Ack} */ (await socket.emit(event, payload));
      if (res.ok || !res.error || !['offline', 'timeout'].includes(res.error.code)) return res;
    }
    try {
      const body = await rest();
      return { ok: true, message: body && body.message };
    } catch (e) {
      return { ok: false, error: { code: 'failed', message: messageOf(e) } };
    }
  }

  /** @param {string} chatId @param {string} messageId */
  function startEdit(chatId, messageId) {
    batch(() => {
      state.editing.value = { chatId, messageId };
      state.pendingDelete.value = null;
    });
  }

  function cancelEdit() {
    state.editing.value = null;
  }

  /** @param {string} chatId @param {string} messageId @param {string} text */
  async function saveEdit(chatId, messageId, text) {
    const body = text.replace(/^\s*\n|\s+$/g, '');
    const before = store.findMessage(state, chatId, messageId);
    if (!before) return cancelEdit();
    if (!body.trim() || body.length > MAX_BODY) {
      state.editing.value = { chatId, messageId, error: body.trim() ? 'The message is too long.' : 'A message cannot be empty; delete it instead.' };
      return;
    }
    if (body === before.body) return cancelEdit();
    cancelEdit();
    // Shown at once; the server's copy (same body, its editedAt) replaces it.
    store.patchMessage(state, chatId, messageId, { body, editedAt: before.editedAt || new Date().toISOString() });
    // The people mentioned before stay mentioned while their "@Name" is still in the text.
    const users = state.users.value;
    const previous = (before.mentions || []).filter((id) => users[id]).map((id) => ({ id, name: users[id].name }));
    const found = mentionsIn(body, previous);
    const mentions = [...found.mentions, ...(found.mentionAll ? [found.mentionAll] : [])];
    const res = await perform('message:edit', { messageId, body, mentions }, () => api.editMessage(messageId, body, mentions));
    if (res.ok && res.message) ingest(chatId, [res.message], true);
    if (res.ok) return;
    store.patchMessage(state, chatId, messageId, { body: before.body, editedAt: before.editedAt });
    notifyFailure(chatId, 'The message was not edited', res.error ? res.error.message : '');
  }

  /** @param {string} chatId @param {string} messageId */
  function askDelete(chatId, messageId) {
    batch(() => {
      state.pendingDelete.value = { chatId, messageId };
      state.editing.value = null;
    });
  }

  function cancelDelete() {
    state.pendingDelete.value = null;
  }

  async function confirmDelete() {
    const pending = state.pendingDelete.value;
    if (!pending) return;
    const { chatId, messageId } = pending;
    const res = await perform('message:delete', { messageId }, () => api.deleteMessage(messageId));
    if (!res.ok) {
      state.pendingDelete.value = { chatId, messageId, error: res.error ? res.error.message : 'Not deleted.' };
      return;
    }
    const before = store.findMessage(state, chatId, messageId);
    batch(() => {
      state.pendingDelete.value = null;
      // Until message:updated arrives: the same placeholder everyone else sees.
      if (before && !before.deletedAt) {
        store.patchMessage(state, chatId, messageId, { deletedAt: new Date().toISOString(), body: '', attachments: [], reactions: [] });
      }
    });
  }

  /** Adds my reaction, or takes it back when I already reacted with that emoji. */
  /** @param {string} chatId @param {string} messageId @param {string} emoji */
  async function toggleReaction(chatId, messageId, emoji) {
    const me = state.me.value;
    const before = store.findMessage(state, chatId, messageId);
    if (!me || !before || before.deletedAt) return;
    const mine = store.reactionsOf(before, me.id).some((r) => r.emoji === emoji && r.me);
    const add = !mine;
    store.patchMessage(state, chatId, messageId, { reactions: store.toggledReactions(before, emoji, add, me.id) });
    const res = await perform(add ? 'reaction:add' : 'reaction:remove', { messageId, emoji }, () => api.react(messageId, emoji, add));
    if (res.ok && res.message) ingest(chatId, [res.message], true);
    if (res.ok) return;
    const now = store.findMessage(state, chatId, messageId);
    if (now) store.patchMessage(state, chatId, messageId, { reactions: store.toggledReactions(now, emoji, !add, me.id) });
    notifyFailure(chatId, 'The reaction was not saved', res.error ? res.error.message : '');
  }

  /** @param {string} chatId @param {Message} m */
  function startReply(chatId, m) {
    batch(() => {
      state.replyDrafts.value = { ...state.replyDrafts.value, [chatId]: store.replyRefOf(m) };
      state.editing.value = null;
    });
  }

  /** @param {string} chatId */
  function cancelReply(chatId) {
    const { [chatId]: _gone, ...rest } = state.replyDrafts.value;
    state.replyDrafts.value = rest;
  }

  /**
   * Brings a message into view in its chat, loading older history until it is there.
   * @param {string} chatId @param {string} messageId @returns {Promise<boolean>} whether it was found
   */
  async function jumpToMessage(chatId, messageId) {
    const found = await history.loadUntil(chatId, messageId);
    if (found && state.activeChatId.value === chatId) state.jumpTarget.value = { chatId, messageId, at: Date.now() };
    return found;
  }

  /** Takes a refused message off the screen (it was never in the chat). @param {string} chatId @param {string} clientId */
  function dismissRejected(chatId, clientId) {
    const myId = state.me.value ? state.me.value.id : '';
    const entry = store.entryOf(state, chatId);
    store.patchEntry(state, chatId, {
      items: entry.items.filter((m) => !(m.rejected && m.clientId === clientId && m.sender.id === myId)),
    });
  }

  return { dismissRejected, startEdit, cancelEdit, saveEdit, askDelete, cancelDelete, confirmDelete, toggleReaction, startReply, cancelReply, jumpToMessage };
}

/** @typedef {ReturnType<typeof createMessageActions>} MessageActions */
