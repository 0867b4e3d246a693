// One's own account from the profile panel: display name, picture, password, invite links.
// Each returns a promise that rejects with the server's message, for the panel to show.
import { api } from '../api.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {{id: string, expiresAt: string, maxUses: number, uses: number, revokedAt: string|null, createdAt: string}} Invite */

/** @param {AppState} state @param {{people: import('./people.js').People}} deps */
export function createProfile(state, { people }) {
  function openProfile() {
    state.bellOpen.value = false;
    state.dialogError.value = '';
    state.dialog.value = /** @type {any} */ ('profile');
  }

  /** @param {string} name */
  async function saveName(name) {
    const { user } = await api.updateMe({ name: name.trim() });
    people.applyUserUpdate(user);
  }

  /** @param {Blob} file */
  async function uploadAvatar(file) {
    const { user } = await api.uploadAvatar(file);
    people.applyUserUpdate(user);
  }

  /** Other sessions of this account end; this one stays. @param {string} currentPassword @param {string} password */
  async function changePassword(currentPassword, password) {
    await api.changePassword(currentPassword, password);
  }

  /** @returns {Promise<{allowed: boolean, invites: Invite[]}>} */
  function loadInvites() {
    return api.invites();
  }

  /** @param {number} expiresInDays @param {number} maxUses @returns {Promise<{invite: Invite, url: string}>} */
  function createInvite(expiresInDays, maxUses) {
    return api.createInvite(expiresInDays, maxUses);
  }

  return { openProfile, saveName, uploadAvatar, changePassword, loadInvites, createInvite };
}

/** @typedef {ReturnType<typeof createProfile>} Profile */
