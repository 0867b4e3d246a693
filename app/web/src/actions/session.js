// Signing in and out: resuming the cookie session, the first load after sign-in, and the reset on
// sign-out, whether the user asked for it or the server ended the session.
import { batch } from '@preact/signals-core';
import { api, forgetStoredToken, ApiError } from '../api.js';
import * as store from '../store.js';
import { chatIdFromUrl, setUrl } from './url.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').User} User */

/** @param {unknown} e */
function signInErrorText(e) {
  const status = e instanceof ApiError ? e.status : -1;
  if (status === 401) return 'Wrong email or password.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status === 403) return UNTRUSTED_PAGE;
  if (status === 503) return 'Sign-in is unavailable right now. Try again in a moment.';
  if (status === 0) return 'The server cannot be reached. Check your connection.';
  return 'Sign-in failed. Please try again.';
}

const UNTRUSTED_PAGE = 'The server does not accept sign-ins from this address. Ask your administrator.';

/** What the sign-in screen says when the server ended the session (PROTOCOL session:ended reasons). */
const ENDED_TEXT = /** @type {Record<string, string>} */ ({
  logged_out: 'You were signed out from another window or device.',
  deactivated: 'You were signed out: your account was deactivated.',
  password_reset: 'You were signed out: your password was changed.',
  expired: 'You were signed out: your session expired.',
  unauthorized: 'Your session has ended. Please sign in again.',
  forbidden: UNTRUSTED_PAGE,
});

const BOOT_RETRY_MS = 3000;

/**
 * @param {AppState} state
 * @param {{
 *   socket: import('../socket.js').SocketClient,
 *   people: import('./people.js').People,
 *   chats: import('./chats.js').Chats,
 *   sendQueue: import('./send-queue.js').SendQueue,
 *   receipts: import('./receipts.js').Receipts,
 *   notifications: import('./notifications.js').Notifications,
 *   media: {clear: () => void},
 * }} deps
 */
export function createSession(state, { socket, people, chats, sendQueue, receipts, notifications, media }) {
  /**
   * Resumes the cookie session, or shows the sign-in form. Only a 401 means signed out: when the
   * server cannot tell (503, network), it keeps loading and asks again.
   */
  async function boot() {
    notifications.readPermission();
    forgetStoredToken();
    try {
      const { user } = await api.me();
      await enter(user);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : -1;
      if (status === 0 || status === 503) {
        setTimeout(() => void boot(), BOOT_RETRY_MS);
        return;
      }
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
      const { user } = await api.login(email.trim(), password);
      await enter(user);
    } catch (e) {
      state.signInError.value = signInErrorText(e);
    } finally {
      state.signingIn.value = false;
    }
  }

  /**
   * Loads what the first screen needs, then connects and reopens the chat in the URL. An account
   * holding a one-time password sees only "Choose your password" (the server refuses the rest).
   */
  /** @param {User & {mustChangePassword?: boolean}} user */
  async function enter(user) {
    state.me.value = user;
    if (user.mustChangePassword) {
      state.authStatus.value = 'choose-password';
      return;
    }
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
    reset();
  }

  /** The server ended the session (socket already stopped): back to sign-in, saying why. */
  /** @param {string} reason */
  function sessionEnded(reason) {
    reset();
    state.signInError.value = ENDED_TEXT[reason] || ENDED_TEXT.unauthorized;
  }

  function reset() {
    sendQueue.clear();
    receipts.clear();
    media.clear();
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

  /**
   * Replaces a one-time password, then enters the app as usual.
   * @param {string} currentPassword @param {string} password
   */
  async function choosePassword(currentPassword, password) {
    await api.changePassword(currentPassword, password);
    const { user } = await api.me();
    await enter(user);
  }

  return { boot, signIn, signOut, sessionEnded, choosePassword };
}
