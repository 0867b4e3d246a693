// Who exists and who is online: the user directory behind the pickers and search, and presence.
import { api } from '../api.js';
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */

/** @param {{online?: boolean, lastSeenAt?: string|null}} p */
const presenceOf = (p) => ({ online: !!p.online, lastSeenAt: p.lastSeenAt || null });

/** @param {AppState} state */
export function createPeople(state) {
  let searchTimer = /** @type {any} */ (null);

  async function loadDirectory() {
    try {
      const { users } = await api.users('', 100);
      store.rememberUsers(state, users);
    } catch { /* the pickers show what is known */ }
  }

  /** Looks people up on the server as the user types (the first directory page may not hold them). */
  /** @param {string} query */
  function searchDirectory(query) {
    clearTimeout(searchTimer);
    const q = query.trim();
    if (!q) return;
    searchTimer = setTimeout(async () => {
      try {
        const { users } = await api.users(q, 50);
        store.rememberUsers(state, users);
      } catch { /* local matches still show */ }
    }, 200);
  }

  /** Presence changes are only pushed to connected sockets, so this re-reads the whole picture. */
  async function loadPresence() {
    try {
      const { presence } = await api.presence();
      /** @type {Record<string, {online: boolean, lastSeenAt: string|null}>} */
      const next = {};
      for (const p of presence || []) next[p.userId] = presenceOf(p);
      state.presence.value = next;
    } catch { /* presence is a nicety */ }
  }

  /** @param {{userId: string, online?: boolean, lastSeenAt?: string|null}} p a 'presence' event */
  function applyPresence(p) {
    const known = state.presence.value[p.userId];
    // Across replicas two changes can arrive out of order: the later one by its time wins.
    if (known && known.lastSeenAt && p.lastSeenAt && p.lastSeenAt < known.lastSeenAt) return;
    state.presence.value = { ...state.presence.value, [p.userId]: presenceOf(p) };
  }

  /**
   * Someone's name, picture or status changed (a 'user:updated' event, or one's own profile save):
   * every cache that shows them follows, so the chat list, members and bubbles change live.
   * @param {import('../state.js').User & {status?: string}} user
   */
  function applyUserUpdate(user) {
    if (!user || !user.id) return;
    const known = state.users.value[user.id];
    state.users.value = { ...state.users.value, [user.id]: { ...known, ...user } };
    const me = state.me.value;
    if (me && me.id === user.id) state.me.value = { ...me, ...user };
    /** @type {Record<string, import('../state.js').Chat>} */
    const chats = {};
    let chatsChanged = false;
    for (const chat of Object.values(state.chats.value)) {
      if (!chat.members.some((m) => m.user.id === user.id)) {
        chats[chat.id] = chat;
        continue;
      }
      chatsChanged = true;
      const members = chat.members.map((m) => (m.user.id === user.id ? { ...m, user: { ...m.user, ...user } } : m));
      // A direct chat is named after the other person.
      const renamed = chat.kind === 'direct' && (!me || user.id !== me.id);
      chats[chat.id] = { ...chat, members, ...(renamed ? { name: user.name } : {}) };
    }
    if (chatsChanged) state.chats.value = chats;
    /** @type {Record<string, import('../state.js').ChatMessages>} */
    const messages = {};
    let messagesChanged = false;
    for (const [chatId, view] of Object.entries(state.messages.value)) {
      if (!view.items.some((m) => m.sender && m.sender.id === user.id && m.sender.name !== user.name)) {
        messages[chatId] = view;
        continue;
      }
      messagesChanged = true;
      messages[chatId] = { ...view, items: view.items.map((m) => (m.sender && m.sender.id === user.id ? { ...m, sender: { ...m.sender, name: user.name } } : m)) };
    }
    if (messagesChanged) state.messages.value = messages;
  }

  return { loadDirectory, searchDirectory, loadPresence, applyPresence, applyUserUpdate };
}

/** @typedef {ReturnType<typeof createPeople>} People */
