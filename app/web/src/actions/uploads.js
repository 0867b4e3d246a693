// Files for the next message of a chat: picked, dropped or pasted, uploaded at once with progress,
// cancelled or retried one by one, and sent with the caption once every one of them is uploaded.
import { batch } from '@preact/signals-core';
import * as media from '../media-store.js';
import { uploadFile, canRetry, ABORTED } from '../uploader.js';
import { MAX_ATTACHMENTS } from '../limits.js';
import { ApiError } from '../api.js';

/** @typedef {import('../state.js').AppState} AppState */
/** @typedef {import('../media-store.js').PendingUpload} PendingUpload */

/** Types the browser can show as a chip preview before the server has seen the file. */
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp|avif)$/;

/**
 * @param {AppState} state
 * @param {{sendQueue: import('./send-queue.js').SendQueue, setDraft: (chatId: string, text: string) => void}} deps
 */
export function createUploads(state, { sendQueue, setDraft }) {
  /** The picked files themselves, kept out of the state so a retry can send them again. */
  /** @type {Map<string, File>} */
  const files = new Map();
  /** @type {Map<string, import('../uploader.js').Upload>} */
  const inFlight = new Map();
  let nextId = 0;

  /** @param {string} chatId @param {Iterable<File>|ArrayLike<File>} picked */
  function addFiles(chatId, picked) {
    const list = Array.from(picked).filter(Boolean);
    if (!list.length || !state.chats.value[chatId]) return;
    const room = MAX_ATTACHMENTS - media.uploadsOf(state, chatId).length;
    /** @type {PendingUpload[]} */
    const added = list.map((file, i) => ({
      id: `upload-${++nextId}`, chatId, name: file.name || 'file', size: file.size, mime: file.type || '',
      kind: media.guessKind(file.type || ''), previewUrl: i < room && PREVIEWABLE.test(file.type) ? URL.createObjectURL(file) : null,
      status: i < room ? 'uploading' : 'failed', progress: 0, retryable: false, attachment: null,
      error: i < room ? '' : `A message carries at most ${MAX_ATTACHMENTS} files.`,
    }));
    media.addUploads(state, chatId, added);
    added.forEach((u, i) => {
      if (i >= room) return;
      files.set(u.id, list[i]);
      start(chatId, u.id);
    });
  }

  /** @param {string} chatId @param {string} id */
  function start(chatId, id) {
    const file = files.get(id);
    if (!file) return;
    media.patchUpload(state, chatId, id, { status: 'uploading', progress: 0, error: '', retryable: false });
    const upload = uploadFile(file, file.name || 'file', (progress) => media.patchUpload(state, chatId, id, { progress }));
    inFlight.set(id, upload);
    upload.done.then((attachment) => {
      inFlight.delete(id);
      media.patchUpload(state, chatId, id, { status: 'done', progress: 1, attachment });
      sendIfQueued(chatId);
    }, (/** @type {unknown} */ e) => {
      inFlight.delete(id);
      if (e instanceof ApiError && e.code === ABORTED) return;
      media.patchUpload(state, chatId, id, {
        status: 'failed', error: e instanceof Error ? e.message : 'The upload failed.', retryable: canRetry(e),
      });
    });
  }

  /** Stops an upload (or drops a finished or failed one) and takes its chip away. @param {string} chatId @param {string} id */
  function removeUpload(chatId, id) {
    inFlight.get(id)?.abort();
    forget(media.removeUpload(state, chatId, id));
    if (!media.uploadsOf(state, chatId).length && chatId in state.queuedSends.value) unqueueSend(chatId);
    else sendIfQueued(chatId);
  }

  /** @param {string} chatId @param {string} id */
  function retryUpload(chatId, id) {
    if (!inFlight.has(id)) start(chatId, id);
  }

  /** @param {PendingUpload|undefined} u */
  function forget(u) {
    if (!u) return;
    if (u.previewUrl) URL.revokeObjectURL(u.previewUrl);
    files.delete(u.id);
  }

  /**
   * The composer's send: without files a plain message; with files, sent now if they are all
   * uploaded, else queued until they are. @param {string} chatId @param {string} text
   * @returns {boolean} whether the composer can clear its text
   */
  function send(chatId, text) {
    const list = media.uploadsOf(state, chatId);
    if (!list.length) return sendQueue.sendMessage(chatId, text);
    if (media.allUploaded(list)) return dispatch(chatId, text);
    media.setQueuedSend(state, chatId, text);
    return true;
  }

  /** @param {string} chatId @param {string} caption */
  function dispatch(chatId, caption) {
    const list = media.uploadsOf(state, chatId);
    const attachments = list.map((u) => /** @type {import('../format.js').Attachment} */ (u.attachment));
    if (!sendQueue.sendMessage(chatId, caption, attachments)) return false;
    batch(() => {
      list.forEach(forget);
      media.clearUploads(state, chatId);
      media.setQueuedSend(state, chatId, null);
    });
    return true;
  }

  /** @param {string} chatId */
  function sendIfQueued(chatId) {
    const caption = state.queuedSends.value[chatId];
    if (caption !== undefined && media.allUploaded(media.uploadsOf(state, chatId))) dispatch(chatId, caption);
  }

  /** Takes back a send that waits for uploads: its caption returns to the composer. @param {string} chatId */
  function unqueueSend(chatId) {
    const caption = state.queuedSends.value[chatId];
    if (caption === undefined) return;
    batch(() => {
      media.setQueuedSend(state, chatId, null);
      if (caption && !(state.drafts.value[chatId] || '').trim()) setDraft(chatId, caption);
    });
  }

  /** Stops every upload and forgets every file (sign-out). */
  function clear() {
    for (const upload of inFlight.values()) upload.abort();
    inFlight.clear();
    for (const list of Object.values(state.uploads.value)) list.forEach(forget);
    batch(() => {
      state.uploads.value = {};
      state.queuedSends.value = {};
    });
  }

  return { addFiles, removeUpload, retryUpload, send, unqueueSend, clear };
}

/** @typedef {ReturnType<typeof createUploads>} Uploads */
