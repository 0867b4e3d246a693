// Receipts this device sends: "delivered" (the sender's second tick) and "read" (clears unread).
// Each is sent once per new high-water mark per chat, so repeated calls are cheap.
import { api } from '../api.js';
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../socket.js').SocketClient} SocketClient */

/** @param {AppState} state @param {SocketClient} socket */
export function createReceipts(state, socket) {
  /** @type {Map<string, number>} */
  const deliveredSent = new Map();
  /** @type {Map<string, number>} */
  const readSent = new Map();

  /** @param {string} chatId @param {number} seq */
  function markDelivered(chatId, seq) {
    if (seq <= (deliveredSent.get(chatId) || 0)) return;
    deliveredSent.set(chatId, seq);
    socket.send('chat:delivered', { chatId, seq });
  }

  /** Tells senders that this device has received what the chat list shows. */
  function acknowledgeDelivery() {
    const myId = state.me.value && state.me.value.id;
    for (const chat of Object.values(state.chats.value)) {
      const mine = chat.members.find((m) => m.user.id === myId);
      const fromOther = chat.lastMessage && chat.lastMessage.sender.id !== myId;
      if (fromOther && chat.lastSeq > (mine ? mine.deliveredSeq || 0 : 0)) markDelivered(chat.id, chat.lastSeq);
    }
  }

  /** Marks the open chat read up to its newest message, but only while the page is actually seen. */
  async function markReadIfVisible() {
    const chatId = state.activeChatId.value;
    if (!chatId || !state.pageVisible.value) return;
    const chat = state.chats.value[chatId];
    if (!chat) return;
    const entry = store.entryOf(state, chatId);
    // Edits and reactions are log entries too: the newest one shown counts as read.
    const seq = Math.max(chat.lastSeq, ...entry.items.map(store.versionOf));
    if (chat.unreadCount) store.patchChat(state, chatId, () => ({ unreadCount: 0 }));
    if (seq <= 0 || seq <= (readSent.get(chatId) || 0)) return;
    readSent.set(chatId, seq);
    store.patchChat(state, chatId, (c) => ({ readSeq: Math.max(c.readSeq, seq), unreadCount: 0 }));
    const res = await socket.emit('chat:read', { chatId, seq });
    if (res.ok) return;
    // The socket may be down: REST records it too; if that fails as well, a later call retries.
    try { await api.read(chatId, seq); } catch { readSent.delete(chatId); }
  }

  /** @param {boolean} visible */
  function setPageVisible(visible) {
    state.pageVisible.value = visible;
    if (visible) void markReadIfVisible();
  }

  /** Forgets what was sent, so the next user signing in on this page sends their own receipts. */
  function clear() {
    deliveredSent.clear();
    readSent.clear();
  }

  return { markDelivered, acknowledgeDelivery, markReadIfVisible, setPageVisible, clear };
}

/** @typedef {ReturnType<typeof createReceipts>} Receipts */
