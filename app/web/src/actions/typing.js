// Typing indicators both ways: this user's, throttled onto the socket; others', shown until they expire.
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */

/** "Still typing" is re-sent at most this often while keys keep coming. */
const TYPING_EVERY_MS = 2500;
/** Quiet this long and the others are told typing stopped. */
const TYPING_IDLE_MS = 3000;

/** @param {AppState} state @param {import('../socket.js').SocketClient} socket */
export function createTyping(state, socket) {
  /** @type {Map<string, {last: number, idle: any}>} */
  const typingOut = new Map();

  // A lost "stopped typing" event must not leave an indicator up forever.
  setInterval(() => store.pruneTyping(state), 1000);

  /** Call on every keystroke in the composer. @param {string} chatId */
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

  /** @param {{chatId: string, userId: string, typing?: boolean}} p a 'typing' event */
  function showRemote(p) {
    if (state.me.value && p.userId === state.me.value.id) return;
    store.setTyping(state, p.chatId, p.userId, !!p.typing);
  }

  return { typingInput, stopTyping, showRemote };
}

/** @typedef {ReturnType<typeof createTyping>} Typing */
