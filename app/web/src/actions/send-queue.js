// Outgoing messages: shown at once (optimistic), queued until the server acknowledges them,
// retried with backoff, kept in localStorage across reloads, and re-sent on every reconnect.
import * as store from '../store.js';
import { newClientId } from '../client-id.js';
import { MAX_BODY } from '../limits.js';
import { saveOutbox, loadOutbox } from '../outbox-storage.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').User} User */
/** @typedef {import('../state.js').ReplyRef} ReplyRef */
/** @typedef {import('../format.js').Attachment} Attachment */
/** @typedef {{replyTo?: ReplyRef|null, mentions?: string[], mentionAll?: 'all'|'here'|null}} SendExtra */
/** @typedef {{chatId: string, clientId: string, body: string, attachments?: Attachment[], createdAt: string, replyTo?: ReplyRef|null, mentions?: string[], mentionAll?: 'all'|'here'|null, attempts: number, timer?: any}} Queued */

const SEND_TIMEOUT_MS = 8000;
const AUTO_RETRIES = 3;
/** Error codes the server will answer the same way every time: retrying cannot help. */
const PERMANENT = ['invalid_input', 'not_found', 'unauthorized', 'conflict'];

/** @param {User} me @param {import('../outbox-storage.js').QueuedMessage} q */
const localCopy = (me, { chatId, clientId, body, attachments = [], createdAt, replyTo, mentions, mentionAll }) => ({
  id: '', chatId, seq: null, clientId, sender: { id: me.id, name: me.name }, kind: attachments.length ? 'media' : 'text', body,
  attachments, createdAt, replyTo: replyTo || null, mentions: mentions || [], mentionAll: mentionAll || null,
  status: /** @type {const} */ ('sending'),
});

/** What message:send carries for a queued item. @param {Queued} item */
const sendPayload = (item) => ({
  chatId: item.chatId, clientId: item.clientId, body: item.body,
  ...(item.attachments && item.attachments.length ? { attachmentIds: item.attachments.map((a) => a.id) } : {}),
  ...(item.replyTo ? { replyToId: item.replyTo.id } : {}),
  ...(mentionList(item).length ? { mentions: mentionList(item) } : {}),
});

/** Mentions as message:send takes them: the people's ids, and "all" or "here". @param {Queued} item */
const mentionList = (item) => [...(item.mentions || []), ...(item.mentionAll ? [item.mentionAll] : [])];

/**
 * @param {AppState} state
 * @param {{socket: import('../socket.js').SocketClient, typing: import('./typing.js').Typing}} deps
 */
export function createSendQueue(state, { socket, typing }) {
  /** Optimistic sends not yet accepted by the server, by clientId. */
  /** @type {Map<string, Queued>} */
  const outbox = new Map();

  function persist() {
    if (state.me.value) saveOutbox(state.me.value.id, [...outbox.values()]);
  }

  /**
   * @param {string} chatId @param {string} text
   * @param {Attachment[]} [attachments] uploaded files, sent with the text as caption
   * @param {SendExtra} [extra] the message replied to, who is mentioned
   * @returns {boolean} whether it was queued
   */
  function sendMessage(chatId, text, attachments = [], extra = {}) {
    const body = text.replace(/^\s*\n|\s+$/g, '');
    const me = state.me.value;
    if ((!body.trim() && !attachments.length) || !me || !state.chats.value[chatId]) return false;
    if (body.length > MAX_BODY) return false;
    const item = { chatId, clientId: newClientId(), body, attachments, createdAt: new Date().toISOString(), replyTo: extra.replyTo || null,
      mentions: extra.mentions || [], mentionAll: extra.mentionAll || null, attempts: 0 };
    store.addLocalMessage(state, chatId, localCopy(me, item));
    outbox.set(item.clientId, item);
    persist();
    typing.stopTyping(chatId);
    void trySend(item.clientId);
    return true;
  }

  /** @param {string} clientId */
  async function trySend(clientId) {
    const item = outbox.get(clientId);
    if (!item) return;
    clearTimeout(item.timer);
    store.patchLocalMessage(state, item.chatId, clientId, { status: 'sending', error: undefined });
    if (!socket.isConnected()) return; // flush() sends it on connect
    item.attempts += 1;
    const res = await socket.emit('message:send', sendPayload(item), SEND_TIMEOUT_MS);
    if (!outbox.has(clientId)) return;
    if (res && res.ok) {
      outbox.delete(clientId);
      persist();
      store.confirmLocalMessage(state, item.chatId, clientId, res.id, typeof res.seq === 'number' ? res.seq : undefined);
      return;
    }
    const code = res && res.error && res.error.code;
    if (code === 'offline') return;
    if (!PERMANENT.includes(code) && item.attempts < AUTO_RETRIES) {
      item.timer = setTimeout(() => void trySend(clientId), 700 * 2 ** item.attempts);
      return;
    }
    store.patchLocalMessage(state, item.chatId, clientId, {
      status: 'failed',
      error: (res && res.error && res.error.message) || 'Not sent.',
    });
  }

  /** Sends every queued message, oldest first; failed ones too unless the server refused them. */
  /** @param {boolean} includeFailed */
  function flush(includeFailed) {
    const items = [...outbox.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    (async () => {
      for (const item of items) {
        const local = store.entryOf(state, item.chatId).items.find((m) => m.clientId === item.clientId);
        if (local && local.status === 'failed' && !includeFailed) continue;
        item.attempts = 0;
        await trySend(item.clientId);
      }
    })();
  }

  /** @param {string} clientId */
  function retrySend(clientId) {
    const item = outbox.get(clientId);
    if (!item) return;
    item.attempts = 0;
    void trySend(clientId);
  }

  /** @param {string} clientId */
  function discardFailed(clientId) {
    const item = outbox.get(clientId);
    if (!item) return;
    outbox.delete(clientId);
    persist();
    const entry = store.entryOf(state, item.chatId);
    store.patchEntry(state, item.chatId, { items: entry.items.filter((m) => m.clientId !== clientId || m.seq != null) });
  }

  /** Messages typed before a reload are still sent, with their original clientId. */
  function restore() {
    const me = state.me.value;
    if (!me) return;
    for (const it of loadOutbox(me.id)) {
      if (outbox.has(it.clientId) || !state.chats.value[it.chatId]) continue;
      outbox.set(it.clientId, { ...it, attempts: 0 });
      store.addLocalMessage(state, it.chatId, localCopy(me, it));
    }
  }

  /** Forgets the queue in memory on sign-out; the stored copy stays for this user's next sign-in. */
  function clear() {
    outbox.clear();
  }

  return { sendMessage, retrySend, discardFailed, flush, restore, clear };
}

/** @typedef {ReturnType<typeof createSendQueue>} SendQueue */
