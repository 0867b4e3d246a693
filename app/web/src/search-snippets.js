// Search result snippets, split into plain and highlighted text. Pure, no DOM.

/**
 * Splits a snippet into plain and highlighted parts: at the server's `highlights` offsets
 * ([start, end) into the snippet) when it sends them, else at the words of the query. The parts
 * are rendered as text, never as markup.
 * @param {string} snippet @param {Array<[number, number]>|undefined} highlights @param {string} query
 * @returns {Array<{text: string, hit: boolean}>}
 */
export function highlightParts(snippet, highlights, query) {
  const text = snippet || '';
  if (Array.isArray(highlights) && highlights.length) return byOffsets(text, highlights);
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 1).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length) return [{ text, hit: false }];
  const re = new RegExp(`(${words.join('|')})`, 'gi');
  return text.split(re).filter(Boolean).map((part) => ({ text: part, hit: words.some((w) => new RegExp(`^${w}$`, 'i').test(part)) }));
}

/** @param {string} text @param {Array<[number, number]>} ranges */
function byOffsets(text, ranges) {
  /** @type {Array<{text: string, hit: boolean}>} */
  const out = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const from = Math.max(at, Math.min(start, text.length));
    const to = Math.min(Math.max(end, from), text.length);
    if (from > at) out.push({ text: text.slice(at, from), hit: false });
    if (to > from) out.push({ text: text.slice(from, to), hit: true });
    at = Math.max(at, to);
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}
