// The files waiting to go with the next message: a chip each, with a preview or an icon, the name,
// the size, the upload's progress and a cancel; a failed one says why and offers a retry.
import { html } from 'htm/preact';
import { CloseIcon, FileIcon, RetryIcon } from './icons.js';
import { formatBytes } from '../format.js';

/** @typedef {import('../media-store.js').PendingUpload} PendingUpload */

/**
 * @param {{uploads: PendingUpload[], queued: boolean, onRemove: (id: string) => void, onRetry: (id: string) => void,
 *   onUnqueue: () => void}} p
 */
export function AttachmentChips({ uploads, queued, onRemove, onRetry, onUnqueue }) {
  if (!uploads.length) return null;
  const waiting = uploads.filter((u) => u.status !== 'done').length;
  const failed = uploads.some((u) => u.status === 'failed');
  return html`
    <div class="attachment-tray" data-testid="attachment-tray">
      <ul class="attachment-chips" aria-label="Files to send">
        ${uploads.map((u) => html`<${Chip} key=${u.id} u=${u} onRemove=${() => onRemove(u.id)} onRetry=${() => onRetry(u.id)} />`)}
      </ul>
      ${queued ? html`
        <div class="queued-send" role="status" data-testid="queued-send">
          <span>${failed ? 'Will send once the failed files are retried or removed.' : `Sending when ${waiting === 1 ? 'the upload finishes' : `${waiting} uploads finish`}…`}</span>
          <button type="button" class="link-btn" data-testid="unqueue-send" onClick=${onUnqueue}>Don't send yet</button>
        </div>` : null}
    </div>`;
}

/** @param {{u: PendingUpload, onRemove: () => void, onRetry: () => void}} p */
function Chip({ u, onRemove, onRetry }) {
  const pct = Math.round(u.progress * 100);
  return html`
    <li class=${'attachment-chip is-' + u.status} data-testid="attachment-chip" data-status=${u.status} data-name=${u.name}>
      <span class="chip-thumb" aria-hidden="true">
        ${u.previewUrl ? html`<img src=${u.previewUrl} alt="" />` : html`<${FileIcon} size=${20} />`}
      </span>
      <span class="chip-text">
        <span class="chip-name" data-testid="chip-name" title=${u.name}>${u.name}</span>
        <span class="chip-size">${formatBytes(u.size)}${u.status === 'uploading' ? ` · ${pct}%` : u.status === 'done' ? ' · ready' : ''}</span>
        ${u.status === 'uploading' ? html`
          <span class="chip-progress" role="progressbar" aria-label=${'Uploading ' + u.name} aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=${pct} data-testid="upload-progress" data-progress=${pct}><span style=${`width:${pct}%`}></span></span>` : null}
        ${u.status === 'failed' ? html`<span class="chip-error" role="alert" data-testid="upload-error">${u.error}</span>` : null}
      </span>
      ${u.status === 'failed' && u.retryable ? html`
        <button type="button" class="icon-btn small" data-testid="upload-retry" aria-label=${'Retry ' + u.name} title="Retry"
          onClick=${onRetry}><${RetryIcon} size=${16} /></button>` : null}
      <button type="button" class="icon-btn small" data-testid="upload-cancel"
        aria-label=${(u.status === 'uploading' ? 'Cancel upload of ' : 'Remove ') + u.name} title=${u.status === 'uploading' ? 'Cancel' : 'Remove'}
        onClick=${onRemove}><${CloseIcon} size=${16} /></button>
    </li>`;
}
