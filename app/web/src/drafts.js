// Unsent composer text per chat, kept in localStorage per user so it survives switching chats
// and reloads. A draft that is sent (or erased) is removed.

/** @param {string} userId */
const keyFor = (userId) => `chatflow.drafts.${userId}`;

/** @param {string} userId @returns {Record<string, string>} */
export function loadDrafts(userId) {
  try {
    const saved = JSON.parse(localStorage.getItem(keyFor(userId)) || '{}');
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return {};
    /** @type {Record<string, string>} */
    const out = {};
    for (const [chatId, text] of Object.entries(saved)) if (typeof text === 'string' && text) out[chatId] = text;
    return out;
  } catch {
    return {}; // a corrupt entry is dropped
  }
}

/** @param {string} userId @param {string} chatId @param {string} text */
export function saveDraft(userId, chatId, text) {
  try {
    const all = loadDrafts(userId);
    if (text) all[chatId] = text;
    else delete all[chatId];
    if (Object.keys(all).length) localStorage.setItem(keyFor(userId), JSON.stringify(all));
    else localStorage.removeItem(keyFor(userId));
  } catch { /* storage full or disabled: the draft lives on in memory */ }
}
