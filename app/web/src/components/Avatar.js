import { html } from 'htm/preact';
import { initials, hueOf } from '../format.js';

/** @param {string|null|undefined} url */
const safeImage = (url) => !!url && (/^https?:\/\//i.test(url) || url.startsWith('/'));

/**
 * A picture or coloured initials, with an optional presence dot.
 * @param {{id: string, name: string, url?: string|null, size?: number, online?: boolean|null, group?: boolean}} p
 */
export function Avatar({ id, name, url, size = 40, online = null, group = false }) {
  const style = `--size:${size}px;--hue:${hueOf(id)}`;
  return html`
    <span class=${'avatar' + (group ? ' avatar-group' : '')} style=${style} aria-hidden="true">
      ${safeImage(url) ? html`<img src=${url} alt="" loading="lazy" />` : html`<span class="avatar-initials">${initials(name)}</span>`}
      ${online === null ? null : html`<span class=${'presence-dot' + (online ? ' is-online' : '')}
        data-testid="presence-dot" data-online=${online ? 'true' : 'false'}></span>`}
    </span>`;
}
