// The composer's media controls: the paperclip with its file picker, the microphone, and the bar
// shown while a voice note is recorded or sent.
import { html } from 'htm/preact';
import { useRef } from 'preact/hooks';
import { ClipIcon, CloseIcon, RetryIcon } from './icons.js';
import { MicIcon, StopIcon, TrashIcon } from './media-icons.js';
import { formatDuration } from '../format.js';

/** @param {{onFiles: (files: File[]) => void, disabled?: boolean}} p */
export function AttachButton({ onFiles, disabled = false }) {
  const input = useRef(/** @type {HTMLInputElement|null} */ (null));
  return html`
    <button type="button" class="icon-btn" data-testid="attach-button" aria-label="Attach files" title="Attach files"
      disabled=${disabled} onClick=${() => input.current && input.current.click()}><${ClipIcon} /></button>
    <input ref=${input} type="file" multiple hidden data-testid="file-input" tabindex="-1" aria-hidden="true"
      onChange=${(/** @type {any} */ e) => {
        const files = [...(e.currentTarget.files || [])];
        // Cleared so that picking the same file again still fires a change.
        e.currentTarget.value = '';
        if (files.length) onFiles(files);
      }} />`;
}

/** @param {{onStart: () => void}} p */
export function MicButton({ onStart }) {
  return html`
    <button type="button" class="send-btn mic-btn" data-testid="voice-record" aria-label="Record a voice message"
      title="Record a voice message" onClick=${onStart}><${MicIcon} size=${20} /></button>`;
}

/**
 * @param {{voice: import('../media-store.js').VoiceState, onStop: () => void, onCancel: () => void, onRetry: () => void}} p
 */
export function VoiceBar({ voice, onStop, onCancel, onRetry }) {
  const { phase } = voice;
  return html`
    <div class=${'composer voice-bar is-' + phase} data-testid="voice-bar" data-phase=${phase} role="group" aria-label="Voice message">
      <button type="button" class="icon-btn" data-testid="voice-cancel" aria-label="Discard voice message" title="Discard"
        onClick=${onCancel}>${phase === 'failed' ? html`<${CloseIcon} />` : html`<${TrashIcon} />`}</button>
      <div class="voice-status" role="status">
        ${phase === 'starting' ? html`<span class="muted">Starting the microphone…</span>` : null}
        ${phase === 'recording' ? html`
          <span class="rec-dot" aria-hidden="true"></span>
          <span class="voice-timer" data-testid="voice-timer">${formatDuration(voice.elapsedMs)}</span>
          <span class="muted">Recording… click stop to send</span>` : null}
        ${phase === 'sending' ? html`
          <span class="muted">Sending voice message…</span>
          <span class="chip-progress voice-progress" role="progressbar" aria-label="Uploading voice message" aria-valuemin="0"
            aria-valuemax="100" aria-valuenow=${Math.round(voice.progress * 100)}><span style=${`width:${Math.round(voice.progress * 100)}%`}></span></span>` : null}
        ${phase === 'failed' ? html`<span class="chip-error" role="alert" data-testid="voice-error">${voice.error}</span>` : null}
      </div>
      ${phase === 'failed' && voice.retryable ? html`
        <button type="button" class="icon-btn" data-testid="voice-retry" aria-label="Retry sending the voice message" title="Retry"
          onClick=${onRetry}><${RetryIcon} /></button>` : null}
      ${phase === 'recording' || phase === 'starting' ? html`
        <button type="button" class="send-btn stop-btn" data-testid="voice-stop" aria-label="Stop and send the voice message"
          title="Stop and send" disabled=${phase !== 'recording'} onClick=${onStop}><${StopIcon} /></button>` : null}
    </div>`;
}
