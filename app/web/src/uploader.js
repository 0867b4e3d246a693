// Uploads one file to POST /api/uploads with XMLHttpRequest, because fetch cannot report upload
// progress. The only module that sends files; views only see the progress it reports. Like api.js
// it relies on the httpOnly session cookie that same-origin requests carry.
import { ApiError } from './api.js';
import { formatBytes } from './format.js';

/** @typedef {import('./format.js').Attachment} Attachment */
/** @typedef {{done: Promise<Attachment>, abort: () => void}} Upload */

/** Said when the server (or a proxy in front of it) gives no message of its own. */
const FALLBACK = /** @type {Record<number, string>} */ ({
  0: 'The upload was interrupted. Check your connection and try again.',
  413: 'This file is larger than the server accepts.',
  415: 'This type of file cannot be sent.',
  429: 'Too many uploads at once. Wait a moment and try again.',
});

/** An aborted upload rejects with this code, so callers can tell a cancel from a failure. */
export const ABORTED = 'aborted';

/** Whether trying the same file again can succeed (a refused size or type never will). @param {unknown} e */
export const canRetry = (e) => !(e instanceof ApiError) || ![400, 401, 404, 413, 415].includes(e.status);

/**
 * @param {Blob} file a File, or a Blob with a name for recordings
 * @param {string} name
 * @param {(fraction: number) => void} onProgress called with 0..1 as the body goes out
 * @param {{voice?: boolean}} [options] voice: a recorded voice note rather than an audio file
 * @returns {Upload}
 */
export function uploadFile(file, name, onProgress, options = {}) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', '/api/uploads');
    xhr.responseType = 'json';
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const data = xhr.response;
      if (xhr.status === 201 || xhr.status === 200) {
        if (data && data.attachment) resolve(data.attachment);
        else reject(new ApiError(xhr.status, 'invalid_response', 'The server answered the upload without an attachment.'));
        return;
      }
      reject(errorOf(xhr.status, data));
    };
    xhr.onerror = () => reject(errorOf(0, null));
    xhr.onabort = () => reject(new ApiError(0, ABORTED, 'Cancelled.'));
    const form = new FormData();
    if (options.voice) form.append('voice', 'true');
    form.append('file', file, name);
    xhr.send(form);
  });
  return { done: /** @type {Promise<Attachment>} */ (done), abort: () => xhr.abort() };
}

/** @param {number} status @param {any} data */
function errorOf(status, data) {
  const err = data && data.error;
  const message = (err && typeof err.message === 'string' && err.message) || FALLBACK[status] || `The upload failed (HTTP ${status}).`;
  return new ApiError(status, (err && err.code) || (status ? 'http_' + status : 'network'), readableSizes(message));
}

/** A limit given in bytes ("the limit of 26214400 bytes") is said the way people read sizes ("25 MB"). @param {string} text */
const readableSizes = (text) => text.replace(/\b(\d{4,}) bytes\b/g, (_, n) => formatBytes(Number(n)));
