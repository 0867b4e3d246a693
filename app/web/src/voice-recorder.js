// Records a voice note from the microphone with MediaRecorder, as WebM/Opus where the browser can.
// Client logic only: the actions decide what happens to the recording.

/** What the server stores voice notes as; browsers without it record their own default. */
export const VOICE_MIME = 'audio/webm;codecs=opus';

export const canRecord = () =>
  typeof MediaRecorder !== 'undefined' && typeof navigator !== 'undefined' && !!navigator.mediaDevices &&
  typeof navigator.mediaDevices.getUserMedia === 'function';

/** @typedef {{stop: () => Promise<{blob: Blob, durationMs: number}>, cancel: () => void}} Recording */

/**
 * Asks for the microphone and starts recording at once.
 * @returns {Promise<Recording>} rejects when the microphone is refused or missing
 */
export async function startRecording() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const mimeType = [VOICE_MIME, 'audio/webm', 'audio/ogg;codecs=opus'].find((t) => MediaRecorder.isTypeSupported(t));
  /** @type {MediaRecorder} */
  let recorder;
  try {
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  } catch (e) {
    stream.getTracks().forEach((t) => t.stop());
    throw e;
  }
  /** @type {Blob[]} */
  const chunks = [];
  recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
  // Chunks every second, so a long note is not held in one growing buffer by the recorder.
  recorder.start(1000);
  const startedAt = performance.now();
  // The microphone light goes off as soon as the note ends, kept or not.
  const release = () => stream.getTracks().forEach((t) => t.stop());
  return {
    stop: () => new Promise((resolve) => {
      const durationMs = performance.now() - startedAt;
      recorder.onstop = () => {
        release();
        resolve({ blob: new Blob(chunks, { type: recorder.mimeType || mimeType || 'audio/webm' }), durationMs });
      };
      recorder.stop();
    }),
    cancel: () => {
      recorder.onstop = null;
      if (recorder.state !== 'inactive') recorder.stop();
      release();
    },
  };
}

/** Words for why recording could not start. @param {unknown} e */
export function microphoneErrorText(e) {
  const name = e && typeof e === 'object' && 'name' in e ? String(e.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Chat-Flow may not use the microphone. Allow it in the browser to record.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found.';
  return 'The microphone could not be started.';
}
