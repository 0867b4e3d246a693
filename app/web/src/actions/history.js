// Message history over REST: the latest page when a chat opens, older pages on upward scroll.
import { batch } from '@preact/signals-core';
import { api } from '../api.js';
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */

const PAGE = 50;
/** Jumping to an old message loads bigger pages, and gives up after this many. */
const JUMP_PAGE = 200;
const MAX_JUMP_PAGES = 50;

/** @param {AppState} state */
export function createHistory(state) {
  /** @param {string} chatId */
  async function loadLatest(chatId) {
    try {
      const page = await api.messages(chatId, { limit: PAGE });
      const list = page.messages || [];
      batch(() => {
        store.mergeMessages(state, chatId, list, true);
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

  return { loadLatest, loadOlder, loadUntil };
}

/** @typedef {ReturnType<typeof createHistory>} History */
