// Signing in and out: the stored token, the first load after sign-in, and the reset on sign-out.
import { batch } from '@preact/signals-core';
import { api, loadToken, saveToken, ApiError } from '../api.js';
import * as store from '../store.js';
import { chatIdFromUrl, setUrl } from './url.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').User} User */

/** @param {unknown} e */
function signInErrorText(e) {
  const status = e instanceof ApiError ? e.status : -1;
  if (status === 401) return 'Wrong email or password.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status === 0) return 'The server cannot be reached. Check your connection.';
  return 'Sign-in failed. Please try again.';
}

/**
 * @param {AppState} state
 * @param {{
 *   socket: import('../socket.js').SocketClient,
 *   people: import('./people.js').People,
 *   chats: import('./chats.js').Chats,
 *   sendQueue: import('./send-queue.js').SendQueue,
 *   receipts: import('./receipts.js').Receipts,
 *   notifications: import('./notifications.js').Notifications,
 * }} deps
 */
export function createSession(state, { socket, people, chats, sendQueue, receipts, notifications }) {
  /** Resumes a stored session, or shows the sign-in form. */
  async function boot() {
    notifications.readPermission();
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
      state.signInError.value = signInErrorText(e);
    } finally {
      state.signingIn.value = false;
    }
  }

  /** Loads what the first screen needs, then connects and reopens the chat in the URL. */
  /** @param {User} user */
  async function enter(user) {
    state.me.value = user;
    store.rememberUsers(state, [user]);
    const [{ chats: list }] = await Promise.all([api.chats(), people.loadDirectory(), people.loadPresence()]);
    batch(() => {
      store.setChats(state, list);
      for (const c of list) socket.setSynced(c.id, c.lastSeq || 0);
      state.authStatus.value = 'signed-in';
    });
    sendQueue.restore();
    socket.start();
    const fromUrl = chatIdFromUrl();
    if (fromUrl && state.chats.value[fromUrl]) void chats.openChat(fromUrl);
  }

  async function signOut() {
    socket.stop();
    try { await api.logout(); } catch { /* signed out locally anyway */ }
    saveToken(null);
    sendQueue.clear();
    receipts.clear();
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
      state.replyDrafts.value = {};
      state.editing.value = null;
      state.pendingDelete.value = null;
      state.jumpTarget.value = null;
      state.messageSearch.value = { open: false, query: '', chatId: null, results: [], nextCursor: null, status: 'idle', error: '' };
      state.everConnected.value = false;
      state.connection.value = 'connecting';
    });
    setUrl(null);
  }

  return { boot, signIn, signOut };
}
