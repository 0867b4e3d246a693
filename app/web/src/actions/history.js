// Message history over REST: the latest page when a chat opens with nothing unread, the page at the
// first unread message when there is, older pages on upward scroll and newer ones on downward scroll.
import { batch } from '@preact/signals-core';
import { api } from '../api.js';
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */

const PAGE = 50;
/** Jumping to an old message loads bigger pages, and gives up after this many. */
const JUMP_PAGE = 200;
const MAX_JUMP_PAGES = 50;
/** Read messages shown above the "New messages" line, so it has context. */
const CONTEXT = 20;
/** Unread messages loaded at once, from the first one on (the protocol's largest page). */
const UNREAD_PAGE = 200;

/** The cursor to continue an afterSeq page from: the newest log entry it brought. @param {import('../state.js').Message[]} list */
const cursorOf = (list) => list.reduce((n, m) => Math.max(n, store.versionOf(m)), 0);

/** @param {AppState} state */
export function createHistory(state) {
  /**
   * The newest page. `reset` drops what was loaded before (a stretch in the middle of the history,
   * after reading from the first unread message), so the list stays one unbroken stretch.
   * @param {string} chatId @param {{reset?: boolean}} [opts]
   */
  async function loadLatest(chatId, { reset = false } = {}) {
    try {
      const page = await api.messages(chatId, { limit: PAGE });
      const list = page.messages || [];
      batch(() => {
        if (reset) store.patchEntry(state, chatId, { items: store.entryOf(state, chatId).items.filter((m) => m.seq == null) });
        store.mergeMessages(state, chatId, list, true);
        store.patchEntry(state, chatId, { loaded: true, hasMoreBefore: !!page.hasMore, hasMoreAfter: false, loadedThrough: null });
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

  /**
   * Opens a chat at its first unread message: a few read messages before it, then the unread ones
   * from the log after the read watermark. Past one page, newer ones come on downward scroll.
   * @param {string} chatId @param {number} readSeq
   */
  async function loadUnread(chatId, readSeq) {
    try {
      const [before, after] = await Promise.all([
        api.messages(chatId, { beforeSeq: readSeq + 1, limit: CONTEXT }),
        api.messages(chatId, { afterSeq: readSeq, limit: UNREAD_PAGE }),
      ]);
      // The catch-up page is ordered by the entry that last changed each message, so past one page
      // an unread message edited later may come with a later page; it then takes its place by seq.
      const entries = after.messages || [];
      // The catch-up also lists older messages changed since: the context page has them as they are now.
      const unread = entries.filter((/** @type {import('../state.js').Message} */ m) => (m.seq || 0) > readSeq);
      batch(() => {
        store.mergeMessages(state, chatId, [...(before.messages || []), ...unread], true);
        store.patchEntry(state, chatId, {
          loaded: true, hasMoreBefore: !!before.hasMore, hasMoreAfter: !!after.hasMore,
          loadedThrough: after.hasMore ? cursorOf(entries) : null,
        });
      });
    } catch {
      store.patchEntry(state, chatId, { loaded: false });
    }
  }

  /** Loads the log after the newest loaded entry (infinite scroll downwards, after opening at the first unread). */
  /** @param {string} chatId */
  async function loadNewer(chatId) {
    const entry = store.entryOf(state, chatId);
    if (!entry.loaded || entry.loadingNewer || !entry.hasMoreAfter || entry.loadedThrough == null) return;
    const from = entry.loadedThrough;
    store.patchEntry(state, chatId, { loadingNewer: true });
    try {
      const page = await api.messages(chatId, { afterSeq: from, limit: UNREAD_PAGE });
      const list = page.messages || [];
      batch(() => {
        store.mergeMessages(state, chatId, list, true);
        store.patchEntry(state, chatId, { loadingNewer: false, hasMoreAfter: !!page.hasMore, loadedThrough: page.hasMore ? Math.max(from, cursorOf(list)) : null });
      });
    } catch {
      store.patchEntry(state, chatId, { loadingNewer: false });
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
        store.mergeMessages(state, chatId, page.messages || [], true);
        store.patchEntry(state, chatId, { loadingOlder: false, hasMoreBefore: !!page.hasMore && (page.messages || []).length > 0 });
      });
    } catch {
      store.patchEntry(state, chatId, { loadingOlder: false });
    }
  }

  /**
   * Loads older pages until the message is among the loaded ones (the list stays one unbroken
   * stretch of history), or the beginning is reached. @param {string} chatId @param {string} messageId
   * @returns {Promise<boolean>} whether it is loaded now
   */
  async function loadUntil(chatId, messageId) {
    if (!store.entryOf(state, chatId).loaded) await loadLatest(chatId);
    for (let pages = 0; pages < MAX_JUMP_PAGES; pages++) {
      const entry = store.entryOf(state, chatId);
      if (entry.items.some((m) => m.id === messageId)) return true;
      const oldest = entry.items.find((m) => m.seq != null);
      if (!entry.loaded || !entry.hasMoreBefore || !oldest || oldest.seq == null) return false;
      try {
        const page = await api.messages(chatId, { beforeSeq: oldest.seq, limit: JUMP_PAGE });
        const list = page.messages || [];
        batch(() => {
          store.mergeMessages(state, chatId, list, true);
          store.patchEntry(state, chatId, { hasMoreBefore: !!page.hasMore && list.length > 0 });
        });
      } catch {
        return false;
      }
    }
    return store.entryOf(state, chatId).items.some((m) => m.id === messageId);
  }

  return { loadLatest, loadUnread, loadNewer, loadOlder, loadUntil };
}

/** @typedef {ReturnType<typeof createHistory>} History */
