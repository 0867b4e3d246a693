// Search result snippets, split into plain and highlighted text. Pure, no DOM.

/**
 * Splits a snippet into plain and highlighted parts: the server's <b>…</b> marks when present,
 * else the words of the query. Everything is rendered as text, never as markup.
 * @param {string} snippet @param {string} query @returns {Array<{text: string, hit: boolean}>}
 */
export function highlightParts(snippet, query) {
  const text = snippet || '';
  if (/<b>/.test(text)) {
    return text.split(/(<b>.*?<\/b>)/s).filter(Boolean).map((part) => part.startsWith('<b>')
      ? { text: part.slice(3, -4), hit: true } : { text: part.replace(/<\/?b>/g, ''), hit: false });
  }
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 1).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length) return [{ text, hit: false }];
  const re = new RegExp(`(${words.join('|')})`, 'gi');
  return text.split(re).filter(Boolean).map((part) => ({ text: part, hit: words.some((w) => new RegExp(`^${w}$`, 'i').test(part)) }));
}
