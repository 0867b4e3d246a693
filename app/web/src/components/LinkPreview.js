// The card under a message with a link: title, description, site and image, as the server read
// them from the page. Asked for only once the message scrolls into view; the image comes through
// the server (imageUrl is same-origin), so the browser never contacts the linked site itself.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';

/** @typedef {{url: string, title: string, description: string|null, siteName: string, imageUrl: string|null}} Preview */

// Only a body with an http(s) link can have a card (the server takes the first one).
const HAS_LINK = /\bhttps?:\/\/[^\s<>"']/i;

/** Cards by message id and body (an edit may change the link), kept for the page's lifetime. */
const cards = /** @type {Map<string, Promise<Preview|null>>} */ (new Map());

/** @param {string} messageId @param {string} body */
function cardOf(messageId, body) {
  const key = messageId + '\n' + body;
  let card = cards.get(key);
  if (!card) {
    // A failure (offline, rate limited) is not kept: the next view asks again.
    card = api.linkPreview(messageId).then((r) => (r && r.preview) || null, () => { cards.delete(key); return null; });
    cards.set(key, card);
  }
  return card;
}

/** @param {{messageId: string, body: string}} p */
export function LinkPreview({ messageId, body }) {
  const linked = HAS_LINK.test(body);
  const anchor = useRef(/** @type {HTMLElement|null} */ (null));
  const [preview, setPreview] = useState(/** @type {Preview|null} */ (null));
  const [imageFailed, setImageFailed] = useState(false);

  useEffect(() => {
    setPreview(null);
    setImageFailed(false);
    const el = anchor.current;
    if (!linked || !el) return undefined;
    let live = true;
    const show = () => { void cardOf(messageId, body).then((p) => { if (live) setPreview(p); }); };
    if (typeof IntersectionObserver === 'undefined') { show(); return () => { live = false; }; }
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      show();
    }, { rootMargin: '200px 0px' });
    observer.observe(el);
    return () => { live = false; observer.disconnect(); };
  }, [messageId, body, linked]);

  if (!linked) return null;
  if (!preview) return html`<span class="link-preview-anchor" ref=${anchor} aria-hidden="true"></span>`;
  return html`
    <a class="link-preview" ref=${anchor} href=${preview.url} target="_blank" rel="noopener noreferrer nofollow" data-testid="link-preview">
      ${preview.imageUrl && !imageFailed ? html`<img class="link-preview-image" data-testid="link-preview-image" src=${preview.imageUrl} alt=""
        loading="lazy" decoding="async" onError=${() => setImageFailed(true)} />` : null}
      <span class="link-preview-text">
        <span class="link-preview-site" data-testid="link-preview-site">${preview.siteName}</span>
        <span class="link-preview-title" data-testid="link-preview-title">${preview.title}</span>
        ${preview.description ? html`<span class="link-preview-description">${preview.description}</span>` : null}
      </span>
    </a>`;
}
