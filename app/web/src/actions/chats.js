// The chat list and which chat is open: reconciling with the server, opening and closing a chat.
import { batch } from '@preact/signals-core';
import { api } from '../api.js';
import * as store from '../store.js';
import { setUrl } from './url.js';
import { loadDrafts } from '../drafts.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').Chat} Chat */

/**
 * @param {AppState} state
 * @param {{
 *   socket: import('../socket.js').SocketClient,
 *   people: import('./people.js').People,
 *   receipts: import('./receipts.js').Receipts,
 *   history: import('./history.js').History,
 * }} deps
 */
export function createChats(state, { socket, people, receipts, history }) {
  let refreshing = /** @type {Promise<void>|null} */ (null);
  /** Whose saved drafts are in state.drafts (another user may sign in on this page). */
  let draftsOf = '';

  /** Adds or updates a chat; a chat new to this device is synced from its current seq onwards. */
  /** @param {Chat} chat */
  function adoptChat(chat) {
    if (!state.chats.value[chat.id]) socket.setSynced(chat.id, chat.lastSeq || 0);
    store.upsertChat(state, chat);
  }

  /**
   * Forgets a chat. When it was open and the user did not close it themselves (removed from it, or
   * it was deleted), a notice says why it closed instead of it just vanishing.
   * @param {string} chatId @param {{quiet?: boolean}} [opts]
   */
  function dropChat(chatId, { quiet = false } = {}) {
    const chat = state.chats.value[chatId];
    const wasOpen = state.activeChatId.value === chatId;
    socket.forget(chatId);
    batch(() => {
      store.removeChat(state, chatId);
      if (wasOpen && chat && !quiet) noticeClosed(chat);
    });
  }

  /** @param {Chat} chat */
  function noticeClosed(chat) {
    state.closedNotice.value = { chatName: chat.name, text: `“${chat.name}” was closed: you are no longer a member, or it was deleted.` };
    state.unreadMarker.value = null;
  }

  function dismissClosedNotice() {
    state.closedNotice.value = null;
  }

  /** Reconciles the chat list with the server (after a reconnect, or for an unknown chat). */
  function refreshChats() {
    if (!refreshing) refreshing = reconcile();
    return refreshing;
  }

  /** Only ever runs through refreshChats, which shares one run between concurrent callers. */
  async function reconcile() {
    try {
      const { chats } = await api.chats();
      const known = state.chats.value;
      batch(() => {
        const activeId = state.activeChatId.value;
        store.setChats(state, chats.map((/** @type {Chat} */ c) => {
          const prev = known[c.id];
          // A live message newer than the list's snapshot wins over the snapshot.
          const mine = prev && prev.lastMessage && c.lastMessage && (prev.lastMessage.seq || 0) > (c.lastMessage.seq || 0);
          const lastSeq = Math.max(c.lastSeq, prev ? prev.lastSeq : 0);
          const readSeq = Math.max(c.readSeq, prev ? prev.readSeq : 0);
          return {
            ...c,
            lastMessage: mine ? prev.lastMessage : c.lastMessage,
            lastSeq,
            readSeq,
            unreadCount: c.id === activeId && state.pageVisible.value ? 0 : Math.max(0, lastSeq - readSeq),
          };
        }));
        if (activeId && !state.chats.value[activeId]) {
          state.activeChatId.value = null;
          if (known[activeId]) noticeClosed(known[activeId]);
        }
      });
      for (const c of chats) {
        if (!known[c.id]) socket.setSynced(c.id, c.lastSeq || 0);
      }
      const current = new Set(chats.map((/** @type {Chat} */ c) => c.id));
      for (const id of Object.keys(known)) if (!current.has(id)) socket.forget(id);
      void people.loadPresence();
      receipts.acknowledgeDelivery();
      void receipts.markReadIfVisible();
    } catch { /* next reconnect tries again */ } finally {
      refreshing = null;
    }
  }

  /** @param {string} chatId */
  async function openChat(chatId) {
    const chat = state.chats.value[chatId];
    if (!chat) return;
    const me = state.me.value;
    const marker = chat.unreadCount > 0 ? { chatId, afterSeq: chat.readSeq } : null;
    batch(() => {
      if (me && draftsOf !== me.id) {
        draftsOf = me.id;
        state.drafts.value = loadDrafts(me.id);
      }
      state.closedNotice.value = null;
      state.quickSwitcherOpen.value = false;
      state.activeChatId.value = chatId;
      state.unreadMarker.value = marker;
      state.membersOpen.value = false;
      state.dialog.value = null;
      state.bellOpen.value = false;
      state.search.value = '';
      state.toasts.value = state.toasts.value.filter((t) => t.chatId !== chatId);
      state.notifications.value = state.notifications.value.map((n) => n.chatId === chatId ? { ...n, seen: true } : n);
      state.editing.value = null;
      state.pendingDelete.value = null;
      store.clearMentions(state, chatId);
    });
    setUrl(chatId);
    // However many are unread, the page at the first unread one is what is shown first.
    if (!store.entryOf(state, chatId).loaded) await (marker ? history.loadUnread(chatId, marker.afterSeq) : history.loadLatest(chatId));
    void receipts.markReadIfVisible();
  }

  function closeChat() {
    batch(() => {
      state.activeChatId.value = null;
      state.membersOpen.value = false;
      state.unreadMarker.value = null;
    });
    setUrl(null);
  }

  return { adoptChat, dropChat, dismissClosedNotice, refreshChats, openChat, closeChat };
}

/** @typedef {ReturnType<typeof createChats>} Chats */
