// Icons of the media views (recorder, players, file cards), drawn like those in icons.js.
import { html } from 'htm/preact';
import { icon } from './icons.js';

export const MicIcon = icon('M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM19 10v2a7 7 0 0 1-14 0v-2M12 19v3M8 22h8');
export const DownloadIcon = icon('M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3');
export const ChevronLeftIcon = icon('M15 18l-6-6 6-6');
export const ChevronRightIcon = icon('M9 18l6-6-6-6');
export const TrashIcon = icon('M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6');

/** Filled shapes read better than strokes at the size of a play button. @param {{size?: number}} p */
export const PlayIcon = ({ size = 18 } = {}) => html`
  <svg width=${size} height=${size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d="M7 4.5v15a1 1 0 0 0 1.5.86l12.5-7.5a1 1 0 0 0 0-1.72L8.5 3.64A1 1 0 0 0 7 4.5z" /></svg>`;
/** @param {{size?: number}} p */
export const PauseIcon = ({ size = 18 } = {}) => html`
  <svg width=${size} height=${size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><rect x="5" y="4" width="5" height="16" rx="1.5" /><rect x="14" y="4" width="5" height="16" rx="1.5" /></svg>`;
/** @param {{size?: number}} p */
export const StopIcon = ({ size = 16 } = {}) => html`
  <svg width=${size} height=${size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><rect x="5" y="5" width="14" height="14" rx="2.5" /></svg>`;
