// A message's text: the Markdown subset (see Markdown.js), highlighted mentions and :shortcode:
// emoji, all rendered as elements and text nodes, never as markup.
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { splitMentions } from '../mentions.js';
import { replaceShortcodes } from '../emoji.js';
import { Markdown } from './Markdown.js';

/**
 * @param {{text: string, people: Array<{id: string, name: string}>, group?: 'all'|'here'|null, myId: string}} p
 * `people` are the users the message mentions, with their current names.
 */
export function MessageText({ text, people, group = null, myId }) {
  const names = people.map((p) => p.id + ':' + p.name).join('|');
  return useMemo(() => {
    /** @param {string} plain @param {string} key */
    const renderText = (plain, key) => {
      const parts = people.length || group ? splitMentions(plain, people, group) : [{ text: plain }];
      return parts.map((part, i) => part.mention
        ? html`<span key=${key + 'm' + i} class=${'mention' + (part.mention === myId || part.mention === 'all' || part.mention === 'here' ? ' is-me' : '')}
            data-testid="mention" data-user-id=${part.mention}>${part.text}</span>`
        : replaceShortcodes(part.text));
    };
    return html`<${Markdown} text=${text} renderText=${renderText} />`;
  }, [text, names, group, myId]);
}
