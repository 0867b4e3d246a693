// Inline SVG icons (stroke follows currentColor).
import { html } from 'htm/preact';

/** @param {string} d */
export const icon = (d) => (/** @type {{size?: number}} */ { size = 20 } = {}) => html`
  <svg width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d=${d} /></svg>`;

export const BellIcon = icon('M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.73 21a2 2 0 0 1-3.46 0');
export const SearchIcon = icon('M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.35-4.35');
export const EditIcon = icon('M12 20h9M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z');
export const UsersIcon = icon('M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75');
export const BackIcon = icon('M15 18l-6-6 6-6');
export const SendIcon = icon('M22 2L11 13M22 2l-7 20-4-9-9-4z');
export const ClipIcon = icon('M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48');
export const LogoutIcon = icon('M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9');
export const CloseIcon = icon('M18 6L6 18M6 6l12 12');
export const DownIcon = icon('M6 9l6 6 6-6');
export const RetryIcon = icon('M1 4v6h6M3.51 15a9 9 0 1 0 2.13-9.36L1 10');
export const ClockIcon = icon('M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2');
export const AlertIcon = icon('M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 8v4M12 16h.01');
export const ChatIcon = icon('M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z');
export const FileIcon = icon('M13 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM13 2v7h7');

/** One tick (sent) or two (delivered, read). @param {{double: boolean}} p */
export function Ticks({ double }) {
  return html`<svg width="18" height="12" viewBox="0 0 18 12" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    <path d="M1 6.5l3.5 3.5L11 2.5" />
    ${double ? html`<path d="M7.5 10l1 .5L16 2.5" />` : null}
  </svg>`;
}
