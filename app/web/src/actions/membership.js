// Starting chats and changing who is in them. Failures show in the open dialog or members panel.
import { api } from '../api.js';
import * as store from '../store.js';
import { setUrl } from './url.js';

/** @typedef {import('../state.js').AppState} AppState */

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : 'Something went wrong.');

/** @param {AppState} state @param {{chats: import('./chats.js').Chats}} deps */
export function createMembership(state, { chats }) {
  /** Runs one change, showing its failure (if any) in the dialog or panel that asked for it. */
  /** @param {() => Promise<void>} change */
  async function reportingFailure(change) {
    state.dialogError.value = '';
    try {
      await change();
    } catch (e) {
      state.dialogError.value = messageOf(e);
    }
  }

  /** @param {{chat: import('../state.js').Chat}} created */
  async function openCreated({ chat }) {
    chats.adoptChat(chat);
    await chats.openChat(chat.id);
  }

  /** @param {import('../state.js').Chat|undefined} chat @param {() => void|Promise<void>} otherwise */
  async function showUpdated(chat, otherwise) {
    if (chat) store.upsertChat(state, chat);
    else await otherwise();
  }

  /** @param {string} userId */
  const startDirect = (userId) => reportingFailure(async () => openCreated(await api.createDirect(userId)));

  /** @param {string} name @param {string[]} memberIds */
  async function createGroup(name, memberIds) {
    if (!name.trim()) {
      state.dialogError.value = 'Give the group a name.';
      return;
    }
    await reportingFailure(async () => openCreated(await api.createGroup(name.trim(), memberIds)));
  }

  /** @param {string} chatId @param {string[]} userIds */
  const addMembers = (chatId, userIds) =>
    reportingFailure(async () => {
      const res = await api.addMembers(chatId, userIds);
      await showUpdated(res && res.chat, () => chats.refreshChats());
    });

  /** @param {string} chatId @param {string} userId */
  const removeMember = (chatId, userId) =>
    reportingFailure(async () => {
      const res = await api.removeMember(chatId, userId);
      await showUpdated(res && res.chat, () =>
        store.patchChat(state, chatId, (c) => ({ members: c.members.filter((m) => m.user.id !== userId) })));
    });

  /** @param {string} chatId */
  async function leaveChat(chatId) {
    const me = state.me.value;
    if (!me) return;
    await reportingFailure(async () => {
      await api.removeMember(chatId, me.id);
      chats.dropChat(chatId, { quiet: true });
      setUrl(null);
    });
  }

  return { startDirect, createGroup, addMembers, removeMember, leaveChat };
}
