// A message's text: links (http(s) only) and highlighted mentions, all rendered as text nodes.
import { html } from 'htm/preact';
import { linkify } from '../format.js';
import { splitMentions } from '../mentions.js';

/**
 * @param {{text: string, people: Array<{id: string, name: string}>, group?: 'all'|'here'|null, myId: string}} p
 * `people` are the users the message mentions, with their current names.
 */
export function MessageText({ text, people, group = null, myId }) {
  const parts = people.length || group ? splitMentions(text, people, group) : [{ text }];
  return parts.map((part, i) => part.mention
    ? html`<span key=${'m' + i} class=${'mention' + (part.mention === myId || part.mention === 'all' || part.mention === 'here' ? ' is-me' : '')}
        data-testid="mention" data-user-id=${part.mention}>${part.text}</span>`
    : linkify(part.text).map((seg, j) => seg.href
      ? html`<a key=${i + '-' + j} href=${seg.href} target="_blank" rel="noopener noreferrer nofollow">${seg.text}</a>`
      : seg.text));
}
