// The send queue's copy in localStorage, per user, so messages typed before a reload are still sent.

/** @typedef {{chatId: string, clientId: string, body: string, attachments?: import('./format.js').Attachment[], createdAt: string, replyTo?: import('./state.js').ReplyRef|null, mentions?: string[], mentionAll?: 'all'|'here'|null}} QueuedMessage */

/** @param {string} userId */
const keyFor = (userId) => `chatflow.outbox.${userId}`;

/** @param {string} userId @param {QueuedMessage[]} list */
export function saveOutbox(userId, list) {
  try {
    const rows = list.map(({ chatId, clientId, body, attachments, createdAt, replyTo, mentions, mentionAll }) =>
      ({ chatId, clientId, body, attachments, createdAt, replyTo, mentions, mentionAll }));
    if (rows.length) localStorage.setItem(keyFor(userId), JSON.stringify(rows));
    else localStorage.removeItem(keyFor(userId));
  } catch { /* storage full or disabled */ }
}

/** @param {string} userId @returns {QueuedMessage[]} */
export function loadOutbox(userId) {
  try {
    const list = JSON.parse(localStorage.getItem(keyFor(userId)) || '[]');
    return Array.isArray(list) ? list.filter((it) => it && it.clientId) : [];
  } catch {
    return []; // a corrupt entry is dropped
  }
}
