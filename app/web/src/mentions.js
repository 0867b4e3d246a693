// Mentions in text: finding the "@que" being typed, inserting the picked person, and splitting a
// sent body into plain text and highlighted mentions. Pure functions, no DOM.

/** @typedef {{id: string, name: string}} Person */

/** Who can be mentioned as a group: @all and @here (owners and admins only). */
export const GROUP_MENTIONS = /** @type {const} */ (['all', 'here']);

/**
 * The mention being typed just before the caret: "@" at a word start, then up to 30 characters
 * of a name (spaces allowed, since names have them, but not a line break).
 * @param {string} text @param {number} caret
 * @returns {{start: number, query: string}|null}
 */
export function mentionQueryAt(text, caret) {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || caret - at > 31) return null;
  if (at > 0 && !/\s|[([{"']/.test(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (/[\n@]/.test(query) || /^\s/.test(query) || /\s{2}/.test(query)) return null;
  return { start: at, query };
}

/**
 * People whose name matches what was typed: a prefix of the name or of one of its words.
 * @param {Person[]} people @param {string} query @param {number} [limit]
 */
export function matchPeople(people, query, limit = 8) {
  const q = query.trim().toLowerCase();
  const scored = [];
  for (const p of people) {
    const name = p.name.toLowerCase();
    const rank = !q ? 1 : name.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : -1;
    if (rank >= 0) scored.push({ p, rank });
  }
  return scored.sort((a, b) => a.rank - b.rank || a.p.name.localeCompare(b.p.name)).slice(0, limit).map((x) => x.p);
}

/**
 * Replaces the "@que" at `start` (up to the caret) by "@Full Name ".
 * @param {string} text @param {number} start @param {number} caret @param {string} name
 * @returns {{text: string, caret: number}}
 */
export function insertMention(text, start, caret, name) {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

/**
 * The ids of the picked people whose "@Name" is still in the text (one typed and then erased is
 * not mentioned), and @all / @here when written.
 * @param {string} text @param {Person[]} picked
 * @returns {{mentions: string[], mentionAll: 'all'|'here'|null}}
 */
export function mentionsIn(text, picked) {
  const ids = [];
  for (const p of picked) if (!ids.includes(p.id) && findMention(text, p.name) >= 0) ids.push(p.id);
  const all = GROUP_MENTIONS.find((g) => findMention(text, g) >= 0) || null;
  return { mentions: ids, mentionAll: all };
}

/** @param {string} text @param {string} name */
function findMention(text, name) {
  const token = '@' + name;
  let from = 0;
  for (;;) {
    const i = text.indexOf(token, from);
    if (i < 0) return -1;
    const prev = i === 0 ? ' ' : text[i - 1];
    const next = text[i + token.length] ?? ' ';
    if (!/[\p{L}\p{N}_]/u.test(prev) && !/[\p{L}\p{N}_]/u.test(next)) return i;
    from = i + 1;
  }
}

/**
 * Splits a body into plain text and mentions of the given people (and @all / @here), longest
 * name first so "@Ann Lee" wins over "@Ann".
 * @param {string} text @param {Person[]} people @param {'all'|'here'|null} [group]
 * @returns {Array<{text: string, mention?: string}>} `mention` is the person's id, or "all"/"here"
 */
export function splitMentions(text, people, group = null) {
  /** @type {Array<{token: string, id: string}>} */
  const tokens = people.filter((p) => p.name).map((p) => ({ token: '@' + p.name, id: p.id }));
  if (group) tokens.push({ token: '@' + group, id: group });
  tokens.sort((a, b) => b.token.length - a.token.length);
  /** @type {Array<{text: string, mention?: string}>} */
  const out = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const hit = text[i] === '@' && tokens.find((t) => text.startsWith(t.token, i) && !/[\p{L}\p{N}_]/u.test(text[i + t.token.length] ?? ' ') &&
      (i === 0 || !/[\p{L}\p{N}_]/u.test(text[i - 1])));
    if (hit) {
      if (plain) out.push({ text: plain });
      plain = '';
      out.push({ text: hit.token, mention: hit.id });
      i += hit.token.length;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) out.push({ text: plain });
  return out;
}
