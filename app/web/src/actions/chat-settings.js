// One's own settings for a chat: muted (no notifications, mentions excepted) and archived (tucked away).
import { api } from '../api.js';
import * as store from '../store.js';

/** @typedef {import('../state.js').AppState} AppState */

/**
 * @param {AppState} state
 * @param {{notifyFailure: (chatId: string, title: string, body: string) => void}} deps
 */
export function createChatSettings(state, { notifyFailure }) {
  /** @param {string} chatId @param {{muted?: boolean, archived?: boolean}} settings */
  async function change(chatId, settings) {
    const before = state.chats.value[chatId];
    if (!before) return;
    store.patchChat(state, chatId, () => settings);
    try {
      const res = await api.setMembership(chatId, settings);
      if (res && res.chat) store.upsertChat(state, res.chat);
    } catch (e) {
      store.patchChat(state, chatId, () => ({ muted: before.muted, archived: before.archived }));
      notifyFailure(chatId, 'The chat setting was not saved', e instanceof Error ? e.message : '');
    }
  }

  /** @param {string} chatId @param {boolean} muted */
  const setMuted = (chatId, muted) => change(chatId, { muted });
  /** @param {string} chatId @param {boolean} archived */
  const setArchived = (chatId, archived) => change(chatId, { archived });

  return { setMuted, setArchived };
}
