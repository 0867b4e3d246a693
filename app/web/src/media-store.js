// State transitions for media: pending uploads per chat, the lightbox, the voice recorder. Pure
// updates of the signals in AppState, like store.js; no I/O here.

/** @typedef {import('./state.js').AppState} AppState */
/** @typedef {import('./state.js').Message} Message */
/** @typedef {import('./format.js').Attachment} Attachment */
/**
 * @typedef {{id: string, chatId: string, name: string, size: number, mime: string, kind: Attachment['kind'],
 *   previewUrl: string|null, status: 'uploading'|'done'|'failed', progress: number, error: string,
 *   retryable: boolean, attachment: Attachment|null}} PendingUpload
 * @typedef {{chatId: string, phase: 'starting'|'recording'|'sending'|'failed', startedAt: number,
 *   elapsedMs: number, progress: number, error: string, retryable: boolean}} VoiceState
 */

/** The kind the server will most likely give the file, for the chip's icon before it answers. @param {string} mime */
export function guessKind(mime) {
  if (/^image\//.test(mime)) return 'image';
  if (/^video\//.test(mime)) return 'video';
  if (/^audio\//.test(mime)) return 'audio';
  return 'file';
}

/** @param {AppState} state @param {string} chatId */
export const uploadsOf = (state, chatId) => state.uploads.value[chatId] || [];

/** @param {AppState} state @param {string} chatId @param {PendingUpload[]} list */
function setUploads(state, chatId, list) {
  const { [chatId]: _old, ...rest } = state.uploads.value;
  state.uploads.value = list.length ? { ...rest, [chatId]: list } : rest;
}

/** @param {AppState} state @param {string} chatId @param {PendingUpload[]} added */
export function addUploads(state, chatId, added) {
  setUploads(state, chatId, [...uploadsOf(state, chatId), ...added]);
}

/** @param {AppState} state @param {string} chatId @param {string} id @param {Partial<PendingUpload>} patch */
export function patchUpload(state, chatId, id, patch) {
  const list = uploadsOf(state, chatId);
  if (!list.some((u) => u.id === id)) return;
  setUploads(state, chatId, list.map((u) => (u.id === id ? { ...u, ...patch } : u)));
}

/** @param {AppState} state @param {string} chatId @param {string} id @returns {PendingUpload|undefined} */
export function removeUpload(state, chatId, id) {
  const list = uploadsOf(state, chatId);
  const gone = list.find((u) => u.id === id);
  setUploads(state, chatId, list.filter((u) => u.id !== id));
  return gone;
}

/** @param {AppState} state @param {string} chatId */
export function clearUploads(state, chatId) {
  setUploads(state, chatId, []);
}

/** A message can go out once every file picked for it has been uploaded. @param {PendingUpload[]} list */
export const allUploaded = (list) => list.length > 0 && list.every((u) => u.status === 'done' && u.attachment);

/** @param {AppState} state @param {string} chatId @param {string|null} caption null forgets it */
export function setQueuedSend(state, chatId, caption) {
  const { [chatId]: _old, ...rest } = state.queuedSends.value;
  state.queuedSends.value = caption === null ? rest : { ...rest, [chatId]: caption };
}

/**
 * Every image of a chat, oldest first: what the lightbox's arrow keys step through.
 * @param {Message[]} items @returns {Array<{message: Message, attachment: Attachment}>}
 */
export function chatImages(items) {
  /** @type {Array<{message: Message, attachment: Attachment}>} */
  const out = [];
  for (const m of items) {
    if (m.deletedAt || !m.attachments) continue;
    for (const a of /** @type {Attachment[]} */ (m.attachments)) if (a && a.kind === 'image') out.push({ message: m, attachment: a });
  }
  return out;
}

/**
 * Moves the lightbox to the next (+1) or previous (-1) image of its chat; stays at either end.
 * @param {AppState} state @param {number} delta
 */
export function stepLightbox(state, delta) {
  const open = state.lightbox.value;
  if (!open) return;
  const entry = state.messages.value[open.chatId];
  const images = chatImages(entry ? entry.items : []);
  const at = images.findIndex((x) => x.attachment.id === open.attachmentId);
  const next = images[at + delta];
  if (at < 0 || !next) return;
  state.lightbox.value = { chatId: open.chatId, attachmentId: next.attachment.id };
}

/** @param {AppState} state @param {Partial<VoiceState>} patch */
export function patchVoice(state, patch) {
  if (state.voice.value) state.voice.value = { ...state.voice.value, ...patch };
}
