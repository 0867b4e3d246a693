// The address bar mirrors the open chat (/chats/<id>), so a reload or a shared link reopens it.

/** @returns {string|null} */
export function chatIdFromUrl() {
  const m = location.pathname.match(/^\/chats\/([^/]+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

/** Replaces rather than pushes: opening chats should not fill the back button's history. @param {string|null} chatId */
export function setUrl(chatId) {
  const path = chatId ? `/chats/${encodeURIComponent(chatId)}` : '/';
  if (location.pathname !== path) history.replaceState(null, '', path);
}
