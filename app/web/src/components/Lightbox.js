// The full-size view of a chat's images: Escape closes, the arrow keys step through the chat's
// images, focus stays inside while it is open and returns to the thumbnail after.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { CloseIcon } from './icons.js';
import { ChevronLeftIcon, ChevronRightIcon, DownloadIcon } from './media-icons.js';
import { sameOrigin } from './MessageMedia.js';
import { chatImages } from '../media-store.js';
import { formatDay, formatTime } from '../format.js';

/**
 * @param {{open: {chatId: string, attachmentId: string}|null, chatId: string,
 *   items: import('../state.js').Message[], onClose: () => void, onStep: (delta: number) => void}} p
 */
export function Lightbox({ open, chatId, items, onClose, onStep }) {
  // Leaving the chat closes it, so it does not pop up again on coming back.
  useEffect(() => onClose, []);
  if (!open || open.chatId !== chatId) return null;
  const images = chatImages(items);
  const at = images.findIndex((x) => x.attachment.id === open.attachmentId);
  if (at < 0) return null;
  return html`<${LightboxView} images=${images} at=${at} onClose=${onClose} onStep=${onStep} />`;
}

/**
 * @param {{images: ReturnType<typeof chatImages>, at: number, onClose: () => void, onStep: (delta: number) => void}} p
 */
function LightboxView({ images, at, onClose, onStep }) {
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  const { message, attachment: a } = images[at];

  useEffect(() => {
    const opener = /** @type {HTMLElement|null} */ (document.activeElement);
    const close = /** @type {HTMLElement|null} */ (ref.current && ref.current.querySelector('[data-testid="lightbox-close"]'));
    if (close) close.focus();
    return () => {
      // Back to the thumbnail that opened it (or the one now showing, if that left the screen).
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);

  useEffect(() => {
    /** @param {KeyboardEvent} e */
    function onKey(e) {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        onStep(-1);
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        onStep(1);
      } else if (e.key === 'Tab') trapTab(e);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose, onStep]);

  /** @param {KeyboardEvent} e */
  function trapTab(e) {
    const root = ref.current;
    if (!root) return;
    const focusable = /** @type {HTMLElement[]} */ ([...root.querySelectorAll('button:not([disabled]), a[href]')]);
    if (!focusable.length) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const inside = root.contains(document.activeElement);
    if (e.shiftKey && (document.activeElement === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  const label = `Photo ${at + 1} of ${images.length}`;
  return html`
    <div class="lightbox" role="dialog" aria-modal="true" aria-label=${label} data-testid="lightbox" ref=${ref}
      data-attachment-id=${a.id} onClick=${(/** @type {MouseEvent} */ e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div class="lightbox-bar">
        <div class="lightbox-title">
          <strong>${message.sender.name}</strong>
          <span>${formatDay(message.createdAt)}, ${formatTime(message.createdAt)}</span>
        </div>
        <span class="lightbox-count" data-testid="lightbox-count">${at + 1} / ${images.length}</span>
        <a class="icon-btn" href=${sameOrigin(a.url)} download=${a.name || true} aria-label="Download" title="Download"><${DownloadIcon} /></a>
        <button type="button" class="icon-btn" data-testid="lightbox-close" aria-label="Close" title="Close (Esc)" onClick=${onClose}><${CloseIcon} /></button>
      </div>
      <button type="button" class="lightbox-nav is-prev" data-testid="lightbox-prev" aria-label="Previous photo"
        disabled=${at === 0} onClick=${() => onStep(-1)}><${ChevronLeftIcon} size=${28} /></button>
      <img class="lightbox-image" key=${a.id} src=${sameOrigin(a.url)} alt=${a.name || 'Photo'} data-testid="lightbox-image"
        style=${a.width && a.height ? `aspect-ratio:${a.width} / ${a.height}` : undefined}
        onClick=${(/** @type {MouseEvent} */ e) => e.stopPropagation()} />
      <button type="button" class="lightbox-nav is-next" data-testid="lightbox-next" aria-label="Next photo"
        disabled=${at === images.length - 1} onClick=${() => onStep(1)}><${ChevronRightIcon} size=${28} /></button>
      ${message.body ? html`<p class="lightbox-caption">${message.body}</p>` : null}
    </div>`;
}
