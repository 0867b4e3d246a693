// Searching messages (GET /api/search) and opening a result at its place in the chat.
import { api } from '../api.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../state.js').SearchView} SearchView */

const SEARCH_DELAY_MS = 250;
const PAGE = 20;

/**
 * @param {AppState} state
 * @param {{
 *   openChat: (chatId: string) => Promise<void>,
 *   jumpToMessage: (chatId: string, messageId: string) => Promise<boolean>,
 * }} deps
 */
export function createSearch(state, { openChat, jumpToMessage }) {
  let timer = /** @type {any} */ (null);
  /** Only the newest query's answer is shown, whatever order the answers come back in. */
  let asked = 0;

  /** @param {Partial<SearchView>} patch */
  const patch = (patch) => { state.messageSearch.value = { ...state.messageSearch.value, ...patch }; };

  /**
   * Opens the panel, in the given chat only or across all of mine, optionally with a query.
   * @param {string|null} chatId @param {string} [query]
   */
  function openSearch(chatId = null, query) {
    patch({ open: true, chatId, ...(query !== undefined ? { query: query.trim() } : {}) });
    if (state.messageSearch.value.query.trim()) void run(false);
  }

  function closeSearch() {
    clearTimeout(timer);
    asked++;
    patch({ open: false, query: '', results: [], nextCursor: null, status: 'idle', error: '' });
  }

  /** @param {string} query */
  function setQuery(query) {
    patch({ query });
    clearTimeout(timer);
    if (!query.trim()) {
      asked++;
      patch({ results: [], nextCursor: null, status: 'idle', error: '' });
      return;
    }
    timer = setTimeout(() => run(false), SEARCH_DELAY_MS);
  }

  /** @param {string|null} chatId */
  function setScope(chatId) {
    patch({ chatId });
    if (state.messageSearch.value.query.trim()) run(false);
  }

  /** @param {boolean} more whether to fetch the next page of the same query */
  async function run(more) {
    const view = state.messageSearch.value;
    const query = view.query.trim();
    if (!query || (more && !view.nextCursor)) return;
    const ticket = ++asked;
    patch({ status: 'loading', error: '' });
    try {
      const page = await api.search({
        query, chatId: view.chatId || undefined, limit: PAGE, cursor: more ? /** @type {string} */ (view.nextCursor) : undefined,
      });
      if (ticket !== asked) return;
      const results = page.results || [];
      patch({ status: 'done', results: more ? [...state.messageSearch.value.results, ...results] : results, nextCursor: page.nextCursor || null });
    } catch (e) {
      if (ticket !== asked) return;
      patch({ status: 'error', error: e instanceof Error ? e.message : 'Search failed.' });
    }
  }

  const loadMore = () => run(true);

  /** Opens the chat of a result and brings the message into view. @param {import('../state.js').SearchResult} r */
  async function openResult(r) {
    if (!state.chats.value[r.chat.id]) return;
    await openChat(r.chat.id);
    await jumpToMessage(r.chat.id, r.message.id);
  }

  return { openSearch, closeSearch, setQuery, setScope, loadMore, openResult };
}

/** @typedef {ReturnType<typeof createSearch>} Search */
