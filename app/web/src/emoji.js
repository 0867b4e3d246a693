// `:shortcode:` emoji from GitHub's table (the gemoji package, vendored), for rendering and the
// composer's picker. Shortcodes are only ever turned into emoji when shown: the body stays as typed.
import { gemoji } from 'gemoji';

/** @typedef {{emoji: string, names: string[], tags: string[], description: string, category: string}} Emoji */

/** @type {Map<string, string>} */
const byName = new Map();
for (const e of gemoji) for (const name of e.names) byName.set(name, e.emoji);

/** @returns {Emoji[]} */
export const allEmoji = () => gemoji;

/** The emoji of a shortcode (without the colons), or null. @param {string} name */
export const emojiFor = (name) => byName.get(name) || null;

const SHORTCODE_RE = /:([a-z0-9_+-]+):/g;

/**
 * Text with known `:shortcode:`s replaced by their emoji; unknown ones stay as typed.
 * @param {string} text
 */
export function replaceShortcodes(text) {
  if (!text.includes(':')) return text;
  return text.replace(SHORTCODE_RE, (whole, name) => byName.get(name) || whole);
}

/**
 * Emoji whose shortcode, tag or description matches the query, shortcode prefix first.
 * @param {string} query @param {number} [limit]
 * @returns {Emoji[]}
 */
export function searchEmoji(query, limit = 64) {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, '');
  if (!q) return gemoji.slice(0, limit);
  const first = [];
  const rest = [];
  for (const e of gemoji) {
    if (e.names.some((n) => n.startsWith(q))) first.push(e);
    else if (e.tags.some((t) => t.startsWith(q)) || e.description.includes(q)) rest.push(e);
    if (first.length >= limit) break;
  }
  return [...first, ...rest].slice(0, limit);
}

/** Categories in the table's order, for the picker's tabs. */
export function emojiCategories() {
  /** @type {string[]} */
  const out = [];
  for (const e of gemoji) if (!out.includes(e.category)) out.push(e.category);
  return out;
}
