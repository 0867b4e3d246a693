// Starting chats and changing who is in them. Failures show in the open dialog or members panel.
import { api } from '../api.js';
import * as store from '../store.js';
import { setUrl } from './url.js';

/** @typedef {import('../state.js').AppState} AppState */

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : 'Something went wrong.');

/** @param {AppState} state @param {{chats: import('./chats.js').Chats}} deps */
export function createMembership(state, { chats }) {
  /** @param {string} userId */
  async function startDirect(userId) {
    state.dialogError.value = '';
    try {
      const { chat } = await api.createDirect(userId);
      chats.adoptChat(chat);
      await chats.openChat(chat.id);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} name @param {string[]} memberIds */
  async function createGroup(name, memberIds) {
    state.dialogError.value = '';
    if (!name.trim()) {
      state.dialogError.value = 'Give the group a name.';
      return;
    }
    try {
      const { chat } = await api.createGroup(name.trim(), memberIds);
      chats.adoptChat(chat);
      await chats.openChat(chat.id);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId @param {string[]} userIds */
  async function addMembers(chatId, userIds) {
    state.dialogError.value = '';
    try {
      const res = await api.addMembers(chatId, userIds);
      if (res && res.chat) store.upsertChat(state, res.chat);
      else await chats.refreshChats();
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId @param {string} userId */
  async function removeMember(chatId, userId) {
    state.dialogError.value = '';
    try {
      const res = await api.removeMember(chatId, userId);
      if (res && res.chat) store.upsertChat(state, res.chat);
      else store.patchChat(state, chatId, (c) => ({ members: c.members.filter((m) => m.user.id !== userId) }));
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {string} chatId */
  async function leaveChat(chatId) {
    const me = state.me.value;
    if (!me) return;
    try {
      await api.removeMember(chatId, me.id);
      chats.dropChat(chatId);
      setUrl(null);
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  return { startDirect, createGroup, addMembers, removeMember, leaveChat };
}
