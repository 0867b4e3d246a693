// Everything that changes state or talks to the server. Components call these; they never do I/O.
import { batch } from '@preact/signals-core';
import { api, loadToken, saveToken, ApiError } from './api.js';
import { createSocketClient } from './socket.js';
import * as store from './store.js';

/** @typedef {import('./state.js').AppState} AppState */
/** @typedef {import('./state.js').Message} Message */

const PAGE = 50;
const MAX_BODY = 8000;
const SEND_TIMEOUT_MS = 8000;
const AUTO_RETRIES = 3;
const TYPING_EVERY_MS = 2500;
const TYPING_IDLE_MS = 3000;

/** @returns {string} */
export function newClientId() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * @param {AppState} state
 * @param {{ loadIo: () => Promise<(opts: object) => any> }} deps
 */
export function createActions(state, deps) {
  /** Optimistic sends not yet accepted by the server, by clientId. */
  /** @type {Map<string, {chatId: string, clientId: string, body: string, createdAt: string, attempts: number, timer?: any}>} */
  const outbox = new Map();
  /** @type {Map<string, number>} */
  const deliveredSent = new Map();
  /** @type {Map<string, number>} */
  const readSent = new Map();
  /** @type {Map<string, {last: number, idle: any}>} */
  const typingOut = new Map();
  let toastSeq = 0;
  let chatsRefresh = /** @type {Promise<void>|null} */ (null);

  const socket = createSocketClient({
    loadIo: deps.loadIo,
    getToken: loadToken,
    fetchAfter: (chatId, afterSeq) => api.messages(chatId, { afterSeq, limit: 200 }),
    onMessages: ingest,
    onEvent,
    onStatus: (s) => {
      batch(() => {
        state.connection.value = s;
        if (s === 'online') state.everConnected.value = true;
      });
    },
    onConnected: (reconnect) => {
      flushOutbox(true);
      acknowledgeDelivery();
      // Presence changes are only pushed to connected sockets: re-read who is online now.
      if (reconnect) void refreshChats();
      else void loadPresence();
      void markReadIfVisible();
    },
    onUnauthorized: () => void signOut(),
  });

  setInterval(() => store.pruneTyping(state), 1000);

  // ---------- session ----------

  async function boot() {
    if (typeof Notification !== 'undefined') state.notificationPermission.value = Notification.permission;
    else state.notificationPermission.value = 'unsupported';
    if (!loadToken()) {
      state.authStatus.value = 'signed-out';
      return;
    }
    try {
      const { user } = await api.me();
      await enter(user);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) saveToken(null);
      state.authStatus.value = 'signed-out';
    }
  }

  /** @param {string} email @param {string} password */
  async function signIn(email, password) {
    if (state.signingIn.value) return;
    batch(() => {
      state.signingIn.value = true;
      state.signInError.value = '';
    });
    try {
      const { token, user } = await api.login(email.trim(), password);
      saveToken(token);
      await enter(user);
    } catch (e) {
      state.signInError.value = e instanceof ApiError && e.status === 401
        ? 'Wrong email or password.'
        : e instanceof ApiError && e.status === 429
          ? 'Too many attempts. Wait a moment and try again.'
          : e instanceof ApiError && e.status === 0
            ? 'The server cannot be reached. Check your connection.'
            : 'Sign-in failed. Please try again.';
    } finally {
      state.signingIn.value = false;
    }
  }

  /** @param {import('./state.js').User} user */
  async function enter(user) {
    state.me.value = user;
    store.rememberUsers(state, [user]);
    const [{ chats }] = await Promise.all([api.chats(), loadDirectory(), loadPresence()]);
    batch(() => {
      store.setChats(state, chats);
      for (const c of chats) socket.setSynced(c.id, c.lastSeq || 0);
      state.authStatus.value = 'signed-in';
    });
    restoreOutbox();
    socket.start();
    const fromUrl = chatIdFromUrl();
    if (fromUrl && state.chats.value[fromUrl]) void openChat(fromUrl);
  }

  async function signOut() {
    socket.stop();
    try { await api.logout(); } catch { /* signed out locally anyway */ }
    saveToken(null);
    outbox.clear();
    batch(() => {
      state.authStatus.value = 'signed-out';
      state.me.value = null;
      state.chats.value = {};
      state.messages.value = {};
      state.activeChatId.value = null;
      state.notifications.value = [];
      state.toasts.value = [];
      state.dialog.value = null;
      state.bellOpen.value = false;
      state.membersOpen.value = false;
      state.everConnected.value = false;
      state.connection.value = 'connecting';
    });
    setUrl(null);
  }

  async function loadDirectory() {
    try {
      const { users } = await api.users('', 100);
      store.rememberUsers(state, users);
    } catch { /* the pickers show what is known */ }
  }

  let directoryTimer = /** @type {any} */ (null);
  /** Looks people up on the server as the user types (the first directory page may not hold them). */
  /** @param {string} query */
  function searchDirectory(query) {
    clearTimeout(directoryTimer);
    const q = query.trim();
    if (!q) return;
    directoryTimer = setTimeout(async () => {
      try {
        const { users } = await api.users(q, 50);
        store.rememberUsers(state, users);
      } catch { /* local matches still show */ }
    }, 200);
  }

  async function loadPresence() {
    try {
      const { presence } = await api.presence();
      /** @type {Record<string, {online: boolean, lastSeenAt: string|null}>} */
      const next = {};
      for (const p of presence || []) next[p.userId] = { online: !!p.online, lastSeenAt: p.lastSeenAt || null };
      state.presence.value = next;
    } catch { /* presence is a nicety */ }
  }

  /** Reconciles the chat list with the server (after a reconnect, or for an unknown chat). */
  function refreshChats() {
    if (chatsRefresh) return chatsRefresh;
    chatsRefresh = (async () => {
      try {
        const { chats } = await api.chats();
        const known = state.chats.value;
        batch(() => {
          const activeId = state.activeChatId.value;
          store.setChats(state, chats.map((c) => {
            const prev = known[c.id];
            const mine = prev && prev.lastMessage && c.lastMessage && (prev.lastMessage.seq || 0) > (c.lastMessage.seq || 0);
            return {
              ...c,
              lastMessage: mine ? prev.lastMessage : c.lastMessage,
              unreadCount: c.id === activeId && state.pageVisible.value ? 0 : c.unreadCount,
            };
          }));
          if (activeId && !state.chats.value[activeId]) state.activeChatId.value = null;
        });
        for (const c of chats) {
          if (!known[c.id]) socket.setSynced(c.id, c.lastSeq || 0);
        }
        const current = new Set(chats.map((/** @type {{id: string}} */ c) => c.id));
        for (const id of Object.keys(known)) if (!current.has(id)) socket.forget(id);
        void loadPresence();
        acknowledgeDelivery();
        void markReadIfVisible();
      } catch { /* next reconnect tries again */ } finally {
        chatsRefresh = null;
      }
    })();
    return chatsRefresh;
  }

  /** Tells senders that this device has received what the chat list shows (their second tick). */
  function acknowledgeDelivery() {
    const myId = state.me.value && state.me.value.id;
    for (const chat of Object.values(state.chats.value)) {
      const mine = chat.members.find((m) => m.user.id === myId);
      const have = Math.max(mine ? mine.deliveredSeq || 0 : 0, deliveredSent.get(chat.id) || 0);
      if (chat.lastSeq > have && chat.lastMessage && chat.lastMessage.sender.id !== myId) {
        deliveredSent.set(chat.id, chat.lastSeq);
        socket.send('chat:delivered', { chatId: chat.id, seq: chat.lastSeq });
      }
    }
  }

  // ---------- incoming ----------

  /**
   * Every message from the socket client lands here (live, sync and gap fetches alike).
   * @param {string} chatId @param {Message[]} list @param {boolean} live
   */
  function ingest(chatId, list, live) {
    const myId = state.me.value && state.me.value.id;
    if (!state.chats.value[chatId]) void refreshChats();
    const fresh = store.mergeMessages(state, chatId, list);
    if (!fresh.length) return;
    const open = isOpenAndVisible(chatId);
    let maxSeq = 0;
    batch(() => {
      for (const m of fresh) {
        maxSeq = Math.max(maxSeq, m.seq || 0);
        const fromOther = m.sender && m.sender.id !== myId;
        const chat = state.chats.value[chatId];
        const countUnread = live && fromOther && !open && !!chat && (m.seq || 0) > chat.readSeq;
        store.applyMessageToChat(state, m, countUnread);
        if (fromOther) store.setTyping(state, chatId, m.sender.id, false);
        if (live && fromOther && !open && m.kind !== 'system') {
          notify({ chatId, messageId: m.id, title: titleFor(chatId, m), body: previewText(m) });
        }
      }
    });
    if (!fresh.some((m) => m.sender && m.sender.id !== myId)) return;
    if (maxSeq > (deliveredSent.get(chatId) || 0)) {
      deliveredSent.set(chatId, maxSeq);
      socket.send('chat:delivered', { chatId, seq: maxSeq });
    }
    if (open) void markReadIfVisible();
  }

  /** @param {string} name @param {any} p */
  function onEvent(name, p) {
    if (!p) return;
    switch (name) {
      case 'receipt':
        store.applyReceipt(state, p);
        return;
      case 'typing':
        if (state.me.value && p.userId === state.me.value.id) return;
        store.setTyping(state, p.chatId, p.userId, !!p.typing);
        return;
      case 'presence':
        state.presence.value = { ...state.presence.value, [p.userId]: { online: !!p.online, lastSeenAt: p.lastSeenAt || null } };
        return;
      case 'chat:created':
      case 'chat:updated':
        if (!p.chat) return;
        if (!state.chats.value[p.chat.id]) socket.setSynced(p.chat.id, p.chat.lastSeq || 0);
        store.upsertChat(state, p.chat);
        return;
      case 'chat:removed':
        socket.forget(p.chatId);
        store.removeChat(state, p.chatId);
        if (!state.activeChatId.value) setUrl(null);
        return;
      case 'notification':
        if (isOpenAndVisible(p.chatId)) return;
        notify({ chatId: p.chatId, messageId: p.messageId, title: p.title || 'New message', body: p.body || '' });
        return;
    }
  }

  /** @param {{chatId: string, messageId: string, title: string, body: string}} n */
  function notify(n) {
    if (!n.messageId || state.notifications.value.some((x) => x.messageId === n.messageId)) return;
    const item = { id: n.messageId, chatId: n.chatId, messageId: n.messageId, title: n.title, body: n.body, at: Date.now(), seen: false };
    state.notifications.value = [item, ...state.notifications.value].slice(0, 50);
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (hidden) {
      showSystemNotification(n);
      return;
    }
    if (n.chatId === state.activeChatId.value) return;
    const toast = { id: ++toastSeq, chatId: n.chatId, title: n.title, body: n.body };
    state.toasts.value = [...state.toasts.value, toast].slice(-3);
    setTimeout(() => dismissToast(toast.id), 5000);
  }

  /** @param {{chatId: string, title: string, body: string}} n */
  function showSystemNotification(n) {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    try {
      const sys = new Notification(n.title, { body: n.body, tag: n.chatId });
      sys.onclick = () => {
        window.focus();
        void openChat(n.chatId);
        sys.close();
      };
    } catch { /* some platforms only allow notifications from a service worker */ }
  }

  // ---------- chats ----------

  /** @param {string} chatId */
  async function openChat(chatId) {
    const chat = state.chats.value[chatId];
    if (!chat) return;
    batch(() => {
      state.activeChatId.value = chatId;
      state.unreadMarker.value = chat.unreadCount > 0 ? { chatId, afterSeq: chat.readSeq } : null;
      state.membersOpen.value = false;
      state.dialog.value = null;
      state.bellOpen.value = false;
      state.search.value = '';
      state.toasts.value = state.toasts.value.filter((t) => t.chatId !== chatId);
      state.notifications.value = state.notifications.value.map((n) => n.chatId === chatId ? { ...n, seen: true } : n);
    });
    setUrl(chatId);
    const entry = store.entryOf(state, chatId);
    if (!entry.loaded) await loadLatest(chatId);
    void markReadIfVisible();
  }

  function closeChat() {
    batch(() => {
      state.activeChatId.value = null;
      state.membersOpen.value = false;
      state.unreadMarker.value = null;
    });
    setUrl(null);
  }

  /** @param {string} chatId */
  async function loadLatest(chatId) {
    try {
      const page = await api.messages(chatId, { limit: PAGE });
      const list = page.messages || [];
      batch(() => {
        store.mergeMessages(state, chatId, list);
        store.patchEntry(state, chatId, { loaded: true, hasMoreBefore: !!page.hasMore });
      });
      // Messages that arrived live before this page may sit beyond a hole: fill it.
      const top = list.reduce((n, m) => Math.max(n, m.seq), 0);
      const items = store.entryOf(state, chatId).items;
      if (items.some((m) => m.seq != null && m.seq > top + 1 && !items.some((x) => x.seq === top + 1))) {
        const more = await api.messages(chatId, { afterSeq: top, limit: 200 });
        store.mergeMessages(state, chatId, more.messages || []);
      }
    } catch {
      store.patchEntry(state, chatId, { loaded: false });
    }
  }

  /** Loads the page before the oldest message shown (infinite scroll upwards). */
  /** @param {string} chatId */
  async function loadOlder(chatId) {
    const entry = store.entryOf(state, chatId);
    if (!entry.loaded || entry.loadingOlder || !entry.hasMoreBefore) return;
    const oldest = entry.items.find((m) => m.seq != null);
    if (!oldest || oldest.seq == null) return;
    store.patchEntry(state, chatId, { loadingOlder: true });
    try {
      const page = await api.messages(chatId, { beforeSeq: oldest.seq, limit: PAGE });
      batch(() => {
        store.mergeMessages(state, chatId, page.messages || []);
        store.patchEntry(state, chatId, { loadingOlder: false, hasMoreBefore: !!page.hasMore && (page.messages || []).length > 0 });
      });
    } catch {
      store.patchEntry(state, chatId, { loadingOlder: false });
    }
  }

  function isOpenAndVisible(/** @type {string} */ chatId) {
    return state.activeChatId.value === chatId && state.pageVisible.value;
  }

  async function markReadIfVisible() {
    const chatId = state.activeChatId.value;
    if (!chatId || !state.pageVisible.value) return;
    const chat = state.chats.value[chatId];
    if (!chat) return;
    const entry = store.entryOf(state, chatId);
    const seq = Math.max(chat.lastSeq, ...entry.items.map((m) => m.seq || 0));
    if (chat.unreadCount) store.patchChat(state, chatId, () => ({ unreadCount: 0 }));
    if (seq <= 0 || seq <= (readSent.get(chatId) || 0)) return;
    readSent.set(chatId, seq);
    store.patchChat(state, chatId, (c) => ({ readSeq: Math.max(c.readSeq, seq), unreadCount: 0 }));
    const res = await socket.emit('chat:read', { chatId, seq });
    if (!res.ok) {
      try { await api.read(chatId, seq); } catch { readSent.delete(chatId); }
    }
  }

  /** @param {boolean} visible */
  function setPageVisible(visible) {
    state.pageVisible.value = visible;
    if (visible) void markReadIfVisible();
  }

  /** @param {string} userId */
  async function startDirect(userId) {
    state.dialogError.value = '';
    try {
      const { chat } = await api.createDirect(userId);
      if (!state.chats.value[chat.id]) socket.setSynced(chat.id, chat.lastSeq || 0);
      store.upsertChat(state, chat);
      await openChat(chat.id);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} name @param {string[]} memberIds */
  async function createGroup(name, memberIds) {
    state.dialogError.value = '';
    if (!name.trim()) {
      state.dialogError.value = 'Give the group a name.';
      return;
    }
    try {
      const { chat } = await api.createGroup(name.trim(), memberIds);
      if (!state.chats.value[chat.id]) socket.setSynced(chat.id, chat.lastSeq || 0);
      store.upsertChat(state, chat);
      await openChat(chat.id);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId @param {string[]} userIds */
  async function addMembers(chatId, userIds) {
    state.dialogError.value = '';
    try {
      const res = await api.addMembers(chatId, userIds);
      if (res && res.chat) store.upsertChat(state, res.chat);
      else await refreshChats();
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId @param {string} userId */
  async function removeMember(chatId, userId) {
    state.dialogError.value = '';
    try {
      const res = await api.removeMember(chatId, userId);
      if (res && res.chat) store.upsertChat(state, res.chat);
      else store.patchChat(state, chatId, (c) => ({ members: c.members.filter((m) => m.user.id !== userId) }));
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId */
  async function leaveChat(chatId) {
    const me = state.me.value;
    if (!me) return;
    try {
      await api.removeMember(chatId, me.id);
      socket.forget(chatId);
      store.removeChat(state, chatId);
      setUrl(null);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  // ---------- sending ----------

  /** @param {string} chatId @param {string} text @returns {boolean} whether it was queued */
  function sendMessage(chatId, text) {
    const body = text.replace(/^\s*\n|\s+$/g, '');
    const me = state.me.value;
    if (!body.trim() || !me || !state.chats.value[chatId]) return false;
    if (body.length > MAX_BODY) return false;
    const clientId = newClientId();
    const createdAt = new Date().toISOString();
    store.addLocalMessage(state, chatId, {
      id: '', chatId, seq: null, clientId, sender: { id: me.id, name: me.name }, kind: 'text', body,
      attachments: [], createdAt, status: 'sending',
    });
    outbox.set(clientId, { chatId, clientId, body, createdAt, attempts: 0 });
    persistOutbox();
    stopTyping(chatId);
    void trySend(clientId);
    return true;
  }

  /** @param {string} clientId */
  async function trySend(clientId) {
    const item = outbox.get(clientId);
    if (!item) return;
    clearTimeout(item.timer);
    if (!socket.isConnected()) {
      store.patchLocalMessage(state, item.chatId, clientId, { status: 'sending', error: undefined });
      return; // flushOutbox sends it on connect
    }
    item.attempts += 1;
    store.patchLocalMessage(state, item.chatId, clientId, { status: 'sending', error: undefined });
    const res = await socket.emit('message:send', { chatId: item.chatId, clientId, body: item.body }, SEND_TIMEOUT_MS);
    if (!outbox.has(clientId)) return;
    if (res && res.ok) {
      outbox.delete(clientId);
      persistOutbox();
      store.confirmLocalMessage(state, item.chatId, clientId, res.id, typeof res.seq === 'number' ? res.seq : undefined);
      return;
    }
    const code = res && res.error && res.error.code;
    if (code === 'offline') return;
    const permanent = code === 'invalid_input' || code === 'not_found' || code === 'unauthorized';
    if (!permanent && item.attempts < AUTO_RETRIES) {
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
  function flushOutbox(includeFailed) {
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
    persistOutbox();
    const entry = store.entryOf(state, item.chatId);
    store.patchEntry(state, item.chatId, { items: entry.items.filter((m) => m.clientId !== clientId || m.seq != null) });
  }

  function outboxKey() {
    return state.me.value ? `chatflow.outbox.${state.me.value.id}` : '';
  }

  function persistOutbox() {
    const key = outboxKey();
    if (!key) return;
    try {
      const list = [...outbox.values()].map(({ chatId, clientId, body, createdAt }) => ({ chatId, clientId, body, createdAt }));
      if (list.length) localStorage.setItem(key, JSON.stringify(list));
      else localStorage.removeItem(key);
    } catch { /* storage full or disabled */ }
  }

  /** Messages typed before a reload are still sent, with their original clientId. */
  function restoreOutbox() {
    const key = outboxKey();
    const me = state.me.value;
    if (!key || !me) return;
    try {
      const list = JSON.parse(localStorage.getItem(key) || '[]');
      for (const it of list) {
        if (!it || !it.clientId || outbox.has(it.clientId) || !state.chats.value[it.chatId]) continue;
        outbox.set(it.clientId, { ...it, attempts: 0 });
        store.addLocalMessage(state, it.chatId, {
          id: '', chatId: it.chatId, seq: null, clientId: it.clientId, sender: { id: me.id, name: me.name },
          kind: 'text', body: it.body, attachments: [], createdAt: it.createdAt, status: 'sending',
        });
      }
    } catch { /* ignore a corrupt entry */ }
  }

  // ---------- typing ----------

  /** @param {string} chatId */
  function typingInput(chatId) {
    const now = Date.now();
    const t = typingOut.get(chatId) || { last: 0, idle: null };
    if (now - t.last > TYPING_EVERY_MS) {
      t.last = now;
      socket.send('typing', { chatId, typing: true });
    }
    clearTimeout(t.idle);
    t.idle = setTimeout(() => stopTyping(chatId), TYPING_IDLE_MS);
    typingOut.set(chatId, t);
  }

  /** @param {string} chatId */
  function stopTyping(chatId) {
    const t = typingOut.get(chatId);
    if (!t) return;
    clearTimeout(t.idle);
    typingOut.delete(chatId);
    socket.send('typing', { chatId, typing: false });
  }

  // ---------- small UI state ----------

  /** @param {'all'|'unread'|'groups'|'direct'} f */
  const setFilter = (f) => { state.filter.value = f; };
  /** @param {string} s */
  const setSearch = (s) => {
    state.search.value = s;
    searchDirectory(s);
  };
  /** @param {null|'direct'|'group'} d */
  const openDialog = (d) => {
    batch(() => {
      state.dialogError.value = '';
      state.dialog.value = d;
      state.bellOpen.value = false;
    });
    if (d) void loadDirectory();
  };
  const toggleMembers = () => {
    state.dialogError.value = '';
    state.membersOpen.value = !state.membersOpen.value;
    if (state.membersOpen.value) void loadDirectory();
  };
  const toggleBell = () => {
    const open = !state.bellOpen.value;
    batch(() => {
      state.bellOpen.value = open;
      if (!open) state.notifications.value = state.notifications.value.map((n) => n.seen ? n : { ...n, seen: true });
    });
  };
  const closeBell = () => {
    if (state.bellOpen.value) toggleBell();
  };
  /** @param {string} chatId @param {string} text */
  const setDraft = (chatId, text) => {
    state.drafts.value = { ...state.drafts.value, [chatId]: text };
  };
  /** @param {number} id */
  function dismissToast(id) {
    state.toasts.value = state.toasts.value.filter((t) => t.id !== id);
  }
  async function requestNotificationPermission() {
    if (typeof Notification === 'undefined') return;
    try {
      state.notificationPermission.value = await Notification.requestPermission();
    } catch { /* denied */ }
  }

  // ---------- helpers ----------

  /** @param {string} chatId @param {Message} m */
  function titleFor(chatId, m) {
    const chat = state.chats.value[chatId];
    if (!chat || chat.kind === 'direct') return m.sender.name;
    return `${m.sender.name} in ${chat.name}`;
  }

  return {
    boot, signIn, signOut,
    openChat, closeChat, loadOlder, markReadIfVisible, setPageVisible,
    startDirect, createGroup, addMembers, removeMember, leaveChat,
    sendMessage, retrySend, discardFailed, typingInput, stopTyping,
    setFilter, setSearch, setDraft, searchDirectory, openDialog, toggleMembers, toggleBell, closeBell, dismissToast,
    requestNotificationPermission,
  };
}

/** @typedef {ReturnType<typeof createActions>} Actions */

/** @param {Message} m */
export function previewText(m) {
  if (m.deletedAt) return 'Message deleted';
  if (m.body) return m.body.length > 140 ? m.body.slice(0, 140) + '…' : m.body;
  if (m.attachments && m.attachments.length) return 'Attachment';
  return '';
}

/** @param {unknown} e */
function messageOf(e) {
  return e instanceof Error ? e.message : 'Something went wrong.';
}

function chatIdFromUrl() {
  const m = location.pathname.match(/^\/chats\/([^/]+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

/** @param {string|null} chatId */
function setUrl(chatId) {
  const path = chatId ? `/chats/${encodeURIComponent(chatId)}` : '/';
  if (location.pathname !== path) history.replaceState(null, '', path);
}
