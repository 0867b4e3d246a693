// Console formatting on top of the chat UI's helpers.
export { formatListTime, initials } from 'chatflow/format.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** @param {string|null|undefined} iso */
export const formatDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
/** @param {string|null|undefined} iso */
export const formatDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : '—');

/** @param {number} bytes */
export function formatBytes(bytes) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "Never", "just now", "5 min ago", else a date. @param {string|null} iso */
export function formatSeen(iso) {
  if (!iso) return 'Never';
  const mins = Math.round((Date.now() - new Date(iso).getTime()) / 60000);
  if (mins < 2) return 'Just now';
  if (mins < 60) return `${mins} min ago`;
  return formatDateTime(iso);
}
