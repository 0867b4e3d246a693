// What the socket client hands over: messages (live, sync and gap fetches alike) and other events,
// each routed to the concern that owns it.
import { batch } from '@preact/signals-core';
import * as store from '../store.js';
import { setUrl } from './url.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').Message} Message */

/**
 * @param {AppState} state
 * @param {{
 *   chats: import('./chats.js').Chats,
 *   people: import('./people.js').People,
 *   receipts: import('./receipts.js').Receipts,
 *   typing: import('./typing.js').Typing,
 *   notifications: import('./notifications.js').Notifications,
 * }} deps
 */
export function createIncoming(state, { chats, people, receipts, typing, notifications }) {
  /** @param {string} chatId */
  const isOpenAndVisible = (chatId) => state.activeChatId.value === chatId && state.pageVisible.value;

  /**
   * De-duplicates, updates the chat row and unread count, and notifies about live messages
   * from others in chats the user is not looking at.
   * @param {string} chatId @param {Message[]} list @param {boolean} live
   */
  function ingest(chatId, list, live) {
    const myId = state.me.value && state.me.value.id;
    if (!state.chats.value[chatId]) void chats.refreshChats();
    const fresh = store.mergeMessages(state, chatId, list);
    for (const m of list) store.applyUpdateToChat(state, m);
    if (!fresh.length) {
      // A change seen in the open chat is read too, so the read watermark reaches the log's end.
      if (list.length && isOpenAndVisible(chatId)) void receipts.markReadIfVisible();
      return;
    }
    const open = isOpenAndVisible(chatId);
    let maxSeq = 0;
    batch(() => {
      for (const m of fresh) {
        maxSeq = Math.max(maxSeq, m.seq || 0);
        const fromOther = m.sender && m.sender.id !== myId;
        // Own messages and messages shown in the open chat are read; the rest count as unread.
        store.applyMessageToChat(state, m, fromOther && !open);
        if (fromOther) store.setTyping(state, chatId, m.sender.id, false);
        // Sending a message moves its sender's watermarks to it: the receipt this client declared
        // it derives (socket.js, `derived-receipts`).
        if (m.sender && m.kind !== 'system') store.applyReceipt(state, { chatId, userId: m.sender.id, deliveredSeq: m.seq, readSeq: m.seq });
        // A message that was changed after it was sent (it came with a catch-up) is not news.
        const news = live && fromOther && !open && m.kind !== 'system' && !((m.updateSeq || 0) > (m.seq || 0));
        const mentionsMe = !!myId && (m.mentions || []).includes(myId);
        // A muted chat stays quiet, except for a mention of me.
        const muted = !!(state.chats.value[chatId] && state.chats.value[chatId].muted);
        // @all / @here reach a muted chat too, as the server's notification does.
        if (news && (!muted || mentionsMe || !!m.mentionAll)) notifications.notifyMessage(chatId, m);
        if (news && mentionsMe) store.countMention(state, chatId);
      }
    });
    if (!fresh.some((m) => m.sender && m.sender.id !== myId)) return;
    receipts.markDelivered(chatId, maxSeq);
    if (open) void receipts.markReadIfVisible();
  }

  /** @param {string} name @param {any} p */
  function onEvent(name, p) {
    if (!p) return;
    switch (name) {
      case 'receipt':
        store.applyReceipt(state, p);
        return;
      case 'typing':
        typing.showRemote(p);
        return;
      case 'presence':
        people.applyPresence(p);
        return;
      case 'user:updated':
        if (p.user) people.applyUserUpdate(p.user);
        return;
      case 'chat:created':
      case 'chat:updated':
        if (p.chat) chats.adoptChat(p.chat);
        return;
      case 'chat:removed':
        chats.dropChat(p.chatId);
        if (!state.activeChatId.value) setUrl(null);
        return;
      case 'message:rejected':
        if (state.me.value) store.rejectMessage(state, p, state.me.value.id);
        return;
      case 'notification':
        if (isOpenAndVisible(p.chatId)) return;
        notifications.notify({ chatId: p.chatId, messageId: p.messageId, title: p.title || 'New message', body: p.body || '' });
        return;
    }
  }

  return { ingest, onEvent };
}
