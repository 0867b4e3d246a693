// View state that only the user changes: list filter, search box, drafts, dialogs, members panel.
import { batch } from '@preact/signals-core';
import { saveDraft } from '../drafts.js';

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
    if (state.me.value) saveDraft(state.me.value.id, chatId, text);
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

  /** Shows the confirmation dialog for a destructive action. @param {import('../state.js').ConfirmRequest} request */
  function askConfirm(request) {
    state.confirm.value = request;
  }

  function cancelConfirm() {
    state.confirm.value = null;
  }

  async function acceptConfirm() {
    const request = state.confirm.value;
    state.confirm.value = null;
    if (request) await request.onConfirm();
  }

  /** @param {boolean} open */
  function setQuickSwitcher(open) {
    state.quickSwitcherOpen.value = open;
    if (open) void people.loadDirectory();
  }

  return { setFilter, setSearch, setDraft, openDialog, toggleMembers, askConfirm, cancelConfirm, acceptConfirm, setQuickSwitcher };
}
