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

  return { loadDirectory, searchDirectory, loadPresence, applyPresence };
}

/** @typedef {ReturnType<typeof createPeople>} People */
