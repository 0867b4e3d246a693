// View state that only the user changes: list filter, search box, drafts, dialogs, members panel.
import { batch } from '@preact/signals-core';

/** @typedef {import('../state.js').AppState} AppState */

/** @param {AppState} state @param {{people: import('./people.js').People}} deps */
export function createUi(state, { people }) {
  /** @param {'all'|'unread'|'groups'|'direct'} f */
  function setFilter(f) {
    state.filter.value = f;
  }

  /** The search box also finds people, so it queries the directory too. @param {string} s */
  function setSearch(s) {
    state.search.value = s;
    people.searchDirectory(s);
  }

  /** @param {string} chatId @param {string} text */
  function setDraft(chatId, text) {
    state.drafts.value = { ...state.drafts.value, [chatId]: text };
  }

  /** Opening a people picker refreshes the directory it picks from. @param {null|'direct'|'group'} d */
  function openDialog(d) {
    batch(() => {
      state.dialogError.value = '';
      state.dialog.value = d;
      state.bellOpen.value = false;
    });
    if (d) void people.loadDirectory();
  }

  function toggleMembers() {
    state.dialogError.value = '';
    state.membersOpen.value = !state.membersOpen.value;
    if (state.membersOpen.value) void people.loadDirectory();
  }

  return { setFilter, setSearch, setDraft, openDialog, toggleMembers };
}
