// A body's Markdown subset as Preact elements, built from the lexer's tokens: bold, italic,
// strike, inline code, code blocks, quotes, lists and links. Every piece of the body is a text
// node; raw HTML, images, headings and tables show as the literal text that was typed.
import { html } from 'htm/preact';
import { lexMarkdown, safeHref } from '../markdown.js';

/** @typedef {import('marked').Token} Token */
/** @typedef {(text: string, key: string) => any} TextRenderer turns plain text into nodes (mentions, emoji) */

/**
 * @param {{text: string, renderText: TextRenderer}} p
 */
export function Markdown({ text, renderText }) {
  let tokens;
  try {
    tokens = lexMarkdown(text);
  } catch {
    return renderText(text, 't');
  }
  return blocks(tokens, renderText, 'b');
}

/** @param {Token[]} tokens @param {TextRenderer} renderText @param {string} key */
function blocks(tokens, renderText, key) {
  return tokens.map((t, i) => block(t, renderText, key + i));
}

/** @param {Token} t @param {TextRenderer} renderText @param {string} key */
function block(t, renderText, key) {
  switch (t.type) {
    case 'space':
      return null;
    case 'paragraph':
      return html`<p key=${key}>${inline(t.tokens || [], renderText, key)}</p>`;
    case 'text':
      // The text of a tight list item: inline tokens of its own.
      return t.tokens ? inline(t.tokens, renderText, key) : renderText(t.text, key);
    case 'code':
      return html`<pre key=${key}><code>${t.text}</code></pre>`;
    case 'blockquote':
      return html`<blockquote key=${key}>${blocks(t.tokens || [], renderText, key)}</blockquote>`;
    case 'list': {
      const items = t.items.map((/** @type {Token} */ item, /** @type {number} */ i) =>
        html`<li key=${key + 'i' + i}>${blocks(item.tokens || [], renderText, key + 'i' + i)}</li>`);
      const start = Number(t.start);
      return t.ordered
        ? html`<ol key=${key} start=${Number.isInteger(start) && start !== 1 ? start : undefined}>${items}</ol>`
        : html`<ul key=${key}>${items}</ul>`;
    }
    default:
      // Headings, rules, tables, HTML blocks: not part of the subset, so shown as typed.
      return html`<p key=${key}>${renderText(trimEnd(t.raw || ''), key)}</p>`;
  }
}

/** @param {Token[]} tokens @param {TextRenderer} renderText @param {string} key */
function inline(tokens, renderText, key) {
  return tokens.map((t, i) => inlineToken(t, renderText, key + '.' + i));
}

/** @param {Token} t @param {TextRenderer} renderText @param {string} key @returns {any} */
function inlineToken(t, renderText, key) {
  switch (t.type) {
    case 'text':
      return t.tokens ? inline(t.tokens, renderText, key) : renderText(t.text, key);
    case 'escape':
      return t.text;
    case 'strong':
      return html`<strong key=${key}>${inline(t.tokens || [], renderText, key)}</strong>`;
    case 'em':
      return html`<em key=${key}>${inline(t.tokens || [], renderText, key)}</em>`;
    case 'del':
      return html`<del key=${key}>${inline(t.tokens || [], renderText, key)}</del>`;
    case 'codespan':
      return html`<code key=${key}>${t.text}</code>`;
    case 'br':
      // A hard break ("  " or "\\" at a line end): a line break in the pre-wrapped text.
      return '\n';
    case 'link': {
      const href = safeHref(t.href);
      if (!href) return renderText(t.raw, key);
      return html`<a key=${key} href=${href} target="_blank" rel="noopener noreferrer nofollow">${inline(t.tokens || [], renderText, key)}</a>`;
    }
    default:
      // Raw HTML, images and anything else: the literal text as typed.
      return renderText(t.raw || '', key);
  }
}

/** @param {string} s */
const trimEnd = (s) => s.replace(/\n+$/, '');
