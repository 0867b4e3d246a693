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
  if (m.attachments && m.attachments.length) return attachmentsSummary(/** @type {Attachment[]} */ (m.attachments));
  return '';
}

/** @typedef {{id: string, kind: 'image'|'video'|'audio'|'file', name: string, mime: string, size: number,
 *   width?: number, height?: number, durationMs?: number, voice?: true, url: string, thumbnailUrl: string|null}} Attachment */

/** The name recorded voice notes are uploaded under (actions/voice-notes.js). */
export const VOICE_NOTE_NAME = 'voice-message.webm';

/** The server marks recorded notes `voice: true`; any other audio is a file with a name. @param {Attachment} a */
export const isVoiceNote = (a) => a.kind === 'audio' && a.voice === true;

/** @type {Array<[(a: Attachment) => boolean, string, string]>} */
const COUNTED = [
  [(a) => a.kind === 'image', 'Photo', 'photos'],
  [(a) => a.kind === 'video', 'Video', 'videos'],
  [isVoiceNote, 'Voice message', 'voice messages'],
];

/** "Photo", "3 photos", "Video", "Voice message" or the file names, for a message without text. @param {Attachment[]} list */
export function attachmentsSummary(list) {
  /** @type {string[]} */
  const parts = [];
  for (const [test, one, many] of COUNTED) {
    const n = list.filter(test).length;
    if (n) parts.push(n === 1 ? one : `${n} ${many}`);
  }
  for (const a of list) if (!COUNTED.some(([test]) => test(a))) parts.push(a.name || 'File');
  return parts.join(', ');
}

/** File sizes in words people read: "840 KB", "2.4 MB". @param {number} bytes */
export function formatBytes(bytes) {
  if (!(bytes >= 0)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1).replace(/\.0$/, '') : Math.round(v)} ${units[i]}`;
}

/** A media duration as m:ss (or h:mm:ss). @param {number} ms */
export function formatDuration(ms) {
  const total = Math.max(0, Math.round((ms || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
