// Voice notes: click to record (with a running timer), click again to stop and send, or cancel.
// The recording is uploaded as audio and sent as a message of its own.
import * as media from '../media-store.js';
import { startRecording, microphoneErrorText } from '../voice-recorder.js';
import { uploadFile, canRetry, ABORTED } from '../uploader.js';
import { ApiError } from '../api.js';
import { VOICE_NOTE_NAME } from '../format.js';

/** @typedef {import('../state.js').AppState} AppState */

/** Shorter than this is a slip of the finger, not a message. */
const MIN_MS = 500;

/** @param {AppState} state @param {{sendQueue: import('./send-queue.js').SendQueue}} deps */
export function createVoiceNotes(state, { sendQueue }) {
  /** @type {import('../voice-recorder.js').Recording|null} */
  let recording = null;
  /** @type {Blob|null} */
  let recorded = null;
  /** @type {import('../uploader.js').Upload|null} */
  let upload = null;
  /** @type {ReturnType<typeof setInterval>|undefined} */
  let ticker;

  /** @param {string} chatId */
  async function startVoice(chatId) {
    if (state.voice.value) return;
    state.voice.value = { chatId, phase: 'starting', startedAt: Date.now(), elapsedMs: 0, progress: 0, error: '', retryable: false };
    /** @type {import('../voice-recorder.js').Recording} */
    let started;
    try {
      started = await startRecording();
    } catch (e) {
      media.patchVoice(state, { phase: 'failed', error: microphoneErrorText(e) });
      return;
    }
    const v = state.voice.value;
    // Cancelled while the browser was still asking for the microphone.
    if (!v || v.chatId !== chatId || v.phase !== 'starting') {
      started.cancel();
      return;
    }
    recording = started;
    const startedAt = Date.now();
    media.patchVoice(state, { phase: 'recording', startedAt });
    ticker = setInterval(() => media.patchVoice(state, { elapsedMs: Date.now() - startedAt }), 200);
  }

  /** Ends the recording and sends it. */
  async function stopVoice() {
    const v = state.voice.value;
    if (!v || v.phase !== 'recording' || !recording) return;
    clearInterval(ticker);
    const current = recording;
    recording = null;
    const { blob, durationMs } = await current.stop();
    if (!state.voice.value) return;
    if (durationMs < MIN_MS || !blob.size) {
      media.patchVoice(state, { phase: 'failed', error: 'Too short to send. Click the microphone and speak, then click stop.', retryable: false });
      return;
    }
    recorded = blob;
    sendRecorded();
  }

  function sendRecorded() {
    const v = state.voice.value;
    if (!v || !recorded) return;
    media.patchVoice(state, { phase: 'sending', progress: 0, error: '', retryable: false });
    const current = uploadFile(recorded, VOICE_NOTE_NAME, (progress) => media.patchVoice(state, { progress }), { voice: true });
    upload = current;
    current.done.then((attachment) => {
      if (upload !== current) return;
      upload = null;
      recorded = null;
      state.voice.value = null;
      sendQueue.sendMessage(v.chatId, '', [attachment]);
    }, (/** @type {unknown} */ e) => {
      if (upload !== current) return;
      upload = null;
      if (e instanceof ApiError && e.code === ABORTED) return;
      media.patchVoice(state, { phase: 'failed', error: e instanceof Error ? e.message : 'The upload failed.', retryable: canRetry(e) });
    });
  }

  /** Sends the same recording again after a failed upload. */
  function retryVoice() {
    if (!upload && recorded) sendRecorded();
  }

  /** Throws the note away, whatever it is doing: asking, recording, uploading or failed. */
  function cancelVoice() {
    clearInterval(ticker);
    recording?.cancel();
    recording = null;
    const current = upload;
    upload = null;
    current?.abort();
    recorded = null;
    state.voice.value = null;
  }

  return { startVoice, stopVoice, retryVoice, cancelVoice };
}

/** @typedef {ReturnType<typeof createVoiceNotes>} VoiceNotes */
