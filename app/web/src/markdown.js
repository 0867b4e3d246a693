// The Markdown subset of message bodies, as tokens: marked's lexer only (never its HTML renderer),
// so components build elements from the tokens and no markup from a body ever reaches the DOM.
import { Lexer } from 'marked';

/** @typedef {import('marked').Token} Token */

/**
 * GFM for ~strike~ and bare-URL autolinks. Line breaks stay in the text (shown by white-space:
 * pre-wrap), so a message of several lines reads, and copies, as it was typed.
 */
const OPTIONS = { gfm: true, breaks: false };

/** @param {string} text @returns {Token[]} */
export function lexMarkdown(text) {
  return new Lexer(OPTIONS).lex(text);
}

const SAFE_PROTOCOLS = ['http:', 'https:', 'mailto:'];

/**
 * The href to link to, or null when it is not a plain web or mail link (javascript:, data:,
 * vbscript:, relative paths and anything unparsable stay text).
 * @param {string} href
 */
export function safeHref(href) {
  try {
    const url = new URL(href);
    return SAFE_PROTOCOLS.includes(url.protocol) ? href : null;
  } catch {
    return null;
  }
}
