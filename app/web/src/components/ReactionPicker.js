// Reactions: the chips under a bubble (count, mine highlighted, who reacted on hover, click
// toggles) and the picker of common emoji with a filter by name.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { useClickOutside } from '../focus.js';

/** Common emoji with the words the filter matches. */
const EMOJI = /** @type {const} */ ([
  ['👍', 'thumbs up yes like ok'], ['❤️', 'heart love'], ['😂', 'joy laugh tears funny'], ['🎉', 'party tada celebrate'],
  ['😮', 'wow surprised open mouth'], ['😢', 'sad cry tear'], ['🙏', 'thanks please pray'], ['👀', 'eyes looking'],
  ['🔥', 'fire hot lit'], ['✅', 'check done yes'], ['👏', 'clap applause'], ['😊', 'smile blush happy'],
  ['😄', 'grin smile happy'], ['🤔', 'thinking hmm'], ['👎', 'thumbs down no dislike'], ['💯', 'hundred perfect'],
  ['🚀', 'rocket launch ship'], ['🙌', 'raised hands hooray'], ['😅', 'sweat smile phew'], ['😍', 'heart eyes love'],
  ['🤝', 'handshake deal'], ['💪', 'muscle strong'], ['⭐', 'star'], ['✨', 'sparkles'],
  ['😎', 'cool sunglasses'], ['🙂', 'slight smile'], ['😬', 'grimace awkward'], ['😡', 'angry mad'],
  ['❌', 'cross no wrong'], ['⚠️', 'warning'], ['☕', 'coffee'], ['🍕', 'pizza food'],
  ['👋', 'wave hello bye'], ['🤷', 'shrug dunno'], ['🤯', 'mind blown'], ['🥳', 'party face celebrate'],
  ['😴', 'sleep tired'], ['🤣', 'rofl laugh'], ['💡', 'idea bulb'], ['📌', 'pin'],
]);

/** The first few, offered in one click on the bubble's toolbar. */
export const QUICK_EMOJI = EMOJI.slice(0, 6).map(([e]) => e);

/**
 * @param {{reactions: import('../state.js').Reaction[], nameOf: (id: string) => string, disabled?: boolean,
 *   onToggle: (emoji: string) => void}} p
 */
export function ReactionChips({ reactions, nameOf, disabled = false, onToggle }) {
  if (!reactions.length) return null;
  return html`<div class="reactions" data-testid="reactions">
    ${reactions.map((r) => {
      const who = (r.userIds || []).map(nameOf);
      const title = who.length ? `${who.join(', ')} reacted with ${r.emoji}` : `${r.count} reacted with ${r.emoji}`;
      return html`<button key=${r.emoji} type="button" class=${'reaction-chip' + (r.me ? ' is-mine' : '')}
        data-testid="reaction-chip" data-emoji=${r.emoji} data-mine=${r.me ? 'true' : 'false'} title=${title}
        aria-label=${title + (r.me ? '. Click to remove yours' : '. Click to add yours')} aria-pressed=${r.me}
        disabled=${disabled} onClick=${() => onToggle(r.emoji)}>
        <span class="reaction-emoji">${r.emoji}</span><span class="reaction-count" data-testid="reaction-count">${r.count}</span>
      </button>`;
    })}
  </div>`;
}

/** @param {{onPick: (emoji: string) => void, onClose: () => void}} p */
export function ReactionPicker({ onPick, onClose }) {
  const [filter, setFilter] = useState('');
  const ref = useClickOutside(true, onClose);
  const term = filter.trim().toLowerCase();
  const shown = EMOJI.filter(([e, words]) => !term || words.includes(term) || e === term);
  useEffect(() => {
    const input = ref.current && ref.current.querySelector('input');
    if (input) input.focus();
  }, []);
  return html`<div class="reaction-picker" role="dialog" aria-label="Pick a reaction" data-testid="reaction-picker" ref=${ref}
    onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
      if (e.key === 'Escape') { e.stopPropagation(); onClose(); }
      if (e.key === 'Enter' && shown.length) { e.preventDefault(); onPick(shown[0][0]); }
    }}>
    <input type="search" class="reaction-filter" placeholder="Find an emoji" aria-label="Find an emoji" data-testid="reaction-filter"
      value=${filter} onInput=${(/** @type {any} */ e) => setFilter(e.currentTarget.value)} />
    <div class="emoji-grid">
      ${shown.map(([e, words]) => html`<button key=${e} type="button" class="emoji-btn" title=${words.split(' ')[0]}
        data-testid="emoji-option" data-emoji=${e} onClick=${() => onPick(e)}>${e}</button>`)}
      ${!shown.length ? html`<span class="muted small">No emoji match.</span>` : null}
    </div>
  </div>`;
}
