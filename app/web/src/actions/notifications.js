// Telling the user about messages elsewhere: the bell's list, toasts, desktop notifications, tab title.
import { batch, effect } from '@preact/signals-core';
import { previewText } from '../format.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').Message} Message */
/** @typedef {{chatId: string, messageId: string, title: string, body: string}} Notice */

const KEEP_NOTIFICATIONS = 50;
const MAX_TOASTS = 3;
const TOAST_MS = 5000;

/** @param {AppState} state @param {{openChat: (chatId: string) => unknown}} deps */
export function createNotifications(state, { openChat }) {
  let toastSeq = 0;

  /** Records the state of the browser permission, so the bell can offer to ask for it. */
  function readPermission() {
    state.notificationPermission.value = typeof Notification !== 'undefined' ? Notification.permission : 'unsupported';
  }

  /** Always lists it under the bell; then a desktop notification if the tab is hidden, else a toast. */
  /** @param {Notice} n */
  function notify(n) {
    if (!n.messageId || state.notifications.value.some((x) => x.messageId === n.messageId)) return;
    const item = { id: n.messageId, chatId: n.chatId, messageId: n.messageId, title: n.title, body: n.body, at: Date.now(), seen: false };
    state.notifications.value = [item, ...state.notifications.value].slice(0, KEEP_NOTIFICATIONS);
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    if (hidden) {
      showSystemNotification(n);
      return;
    }
    if (n.chatId === state.activeChatId.value) return;
    const toast = { id: ++toastSeq, chatId: n.chatId, title: n.title, body: n.body };
    state.toasts.value = [...state.toasts.value, toast].slice(-MAX_TOASTS);
    setTimeout(() => dismissToast(toast.id), TOAST_MS);
  }

  /** A short note that something the user did failed; it is not kept under the bell. */
  /** @param {string} chatId @param {string} title @param {string} body */
  function showToast(chatId, title, body) {
    const toast = { id: ++toastSeq, chatId, title, body };
    state.toasts.value = [...state.toasts.value, toast].slice(-MAX_TOASTS);
    setTimeout(() => dismissToast(toast.id), TOAST_MS);
  }

  /** @param {string} chatId @param {Message} m */
  function notifyMessage(chatId, m) {
    notify({ chatId, messageId: m.id, title: titleFor(chatId, m), body: previewText(m) });
  }

  /** @param {string} chatId @param {Message} m */
  function titleFor(chatId, m) {
    const chat = state.chats.value[chatId];
    if (!chat || chat.kind === 'direct') return m.sender.name;
    return `${m.sender.name} in ${chat.name}`;
  }

  /** @param {Notice} n */
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

  /** @param {number} id */
  function dismissToast(id) {
    state.toasts.value = state.toasts.value.filter((t) => t.id !== id);
  }

  /** Closing the bell marks everything in it seen. */
  function toggleBell() {
    const open = !state.bellOpen.value;
    batch(() => {
      state.bellOpen.value = open;
      if (!open) state.notifications.value = state.notifications.value.map((n) => n.seen ? n : { ...n, seen: true });
    });
  }

  function closeBell() {
    if (state.bellOpen.value) toggleBell();
  }

  async function requestNotificationPermission() {
    if (typeof Notification === 'undefined') return;
    try {
      state.notificationPermission.value = await Notification.requestPermission();
    } catch { /* denied */ }
  }

  return { readPermission, notify, notifyMessage, showToast, dismissToast, toggleBell, closeBell, requestNotificationPermission };
}

/** @typedef {ReturnType<typeof createNotifications>} Notifications */

/** Keeps the unread total in the tab title, e.g. "(3) Chat-Flow". @param {AppState} state */
export function showUnreadInTitle(state) {
  return effect(() => {
    const n = state.totalUnread.value;
    document.title = n > 0 ? `(${n}) Chat-Flow` : 'Chat-Flow';
  });
}
