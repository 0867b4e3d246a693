// The lightbox: which image of which chat is shown full size.
import * as media from '../media-store.js';

/** @typedef {import('../state.js').AppState} AppState */

/** @param {AppState} state */
export function createMediaViewer(state) {
  /** @param {string} chatId @param {string} attachmentId */
  function openLightbox(chatId, attachmentId) {
    state.lightbox.value = { chatId, attachmentId };
  }

  function closeLightbox() {
    state.lightbox.value = null;
  }

  /** @param {number} delta +1 next image, -1 previous */
  function stepLightbox(delta) {
    media.stepLightbox(state, delta);
  }

  return { openLightbox, closeLightbox, stepLightbox };
}
