// Formatting helpers for the views: times, days, initials, links, previews. Pure functions.

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDateFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** @typedef {import('./state.js').Message} Message */

/** @param {string} iso */
export const formatTime = (iso) => timeFmt.format(new Date(iso));

/** @param {Date} d */
const dayStart = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/** @param {string} iso */
export function dayKey(iso) {
  return dayStart(new Date(iso));
}

/** "Today", "Yesterday" or a full date, for day separators. @param {string} iso */
export function formatDay(iso) {
  const d = new Date(iso);
  const diff = Math.round((dayStart(new Date()) - dayStart(d)) / 86400000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return longDateFmt.format(d);
}

/** Compact time for the chat list: a time today, a weekday this week, else a date. @param {string} iso */
export function formatListTime(iso) {
  const d = new Date(iso);
  const diff = Math.round((dayStart(new Date()) - dayStart(d)) / 86400000);
  if (diff === 0) return timeFmt.format(d);
  if (diff < 7) return weekdayFmt.format(d);
  return shortDateFmt.format(d);
}

/** @param {string|null|undefined} iso */
export function formatLastSeen(iso) {
  if (!iso) return 'offline';
  const d = new Date(iso);
  const mins = Math.round((Date.now() - d.getTime()) / 60000);
  if (mins < 1) return 'last seen just now';
  if (mins < 60) return `last seen ${mins} min ago`;
  const diff = Math.round((dayStart(new Date()) - dayStart(d)) / 86400000);
  if (diff === 0) return `last seen today at ${timeFmt.format(d)}`;
  if (diff === 1) return `last seen yesterday at ${timeFmt.format(d)}`;
  return `last seen ${shortDateFmt.format(d)}`;
}

/** @param {string} name */
export function initials(name) {
  const parts = (name || '?').trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue per id, so each person keeps one avatar colour. @param {string} id */
export function hueOf(id) {
  let h = 0;
  for (let i = 0; i < (id || '').length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;

/**
 * Splits text into plain parts and links. Only http(s) URLs become links, so a
 * `javascript:` or `data:` URL stays text. Views render the parts as text nodes.
 * @param {string} text
 * @returns {Array<{text: string, href?: string}>}
 */
export function linkify(text) {
  /** @type {Array<{text: string, href?: string}>} */
  const out = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    let url = match[0];
    // Leave closing punctuation that ends a sentence out of the link.
    const trail = url.match(/[.,!?;:)\]]+$/);
    if (trail && !(trail[0].startsWith(')') && url.includes('('))) url = url.slice(0, -trail[0].length);
    const start = /** @type {number} */ (match.index);
    if (start > last) out.push({ text: text.slice(last, start) });
    const href = url.toLowerCase().startsWith('www.') ? 'https://' + url : url;
    out.push(safeHref(href) ? { text: url, href } : { text: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** @param {string} href */
function safeHref(href) {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** One line for the chat list and notifications. @param {Message} m */
export function previewText(m) {
  if (m.deletedAt) return 'Message deleted';
  if (m.body) return m.body.length > 140 ? m.body.slice(0, 140) + '…' : m.body;
  if (m.attachments && m.attachments.length) return 'Attachment';
  return '';
}
