// Message search: a box, optionally limited to the open chat, and ranked results with the
// matching words highlighted; opening one jumps to the message in its chat.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from './context.js';
import { CloseIcon, SearchIcon } from './icons.js';
import { formatListTime, hueOf } from '../format.js';
import { highlightParts } from '../search-snippets.js';

export function SearchPanel() {
  const { state, actions } = useApp();
  const view = state.messageSearch.value;
  const ref = useRef(/** @type {HTMLInputElement|null} */ (null));
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  const scopeChat = view.chatId ? state.chats.value[view.chatId] : null;
  return html`<section class="search-panel" aria-label="Search messages" data-testid="search-panel"
    onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') actions.closeSearch(); }}>
    <div class="search-panel-head">
      <div class="search">
        <${SearchIcon} size=${16} />
        <input ref=${ref} type="search" placeholder="Search messages" aria-label="Search messages" data-testid="message-search-input"
          value=${view.query} onInput=${(/** @type {any} */ e) => actions.setSearchQuery(e.currentTarget.value)} />
      </div>
      <button class="icon-btn" aria-label="Close search" data-testid="close-search" onClick=${() => actions.closeSearch()}><${CloseIcon} size=${18} /></button>
    </div>
    ${scopeChat ? html`<div class="search-scope">
      <span class="chip is-active" data-testid="search-scope">In ${scopeChat.name}</span>
      <button class="link-btn" data-testid="search-everywhere" onClick=${() => actions.setSearchScope(null)}>Search all chats</button>
    </div>` : null}
    <div class="search-results" role="list" data-testid="search-results">
      ${view.status === 'error' ? html`<p class="error" role="alert">${view.error}</p>` : null}
      ${view.results.map((r) => html`<button key=${r.message.id} role="listitem" class="search-result" data-testid="search-result"
        data-message-id=${r.message.id} data-chat-id=${r.chat.id} onClick=${() => actions.openSearchResult(r)}>
        <span class="chat-item-row">
          <span class="search-result-chat">${r.chat.name}</span>
          <span class="chat-time muted small">${formatListTime(r.message.createdAt)}</span>
        </span>
        <span class="search-result-sender" style=${'--hue:' + hueOf(r.message.sender ? r.message.sender.id : '')}>${r.message.sender ? r.message.sender.name : ''}</span>
        <span class="search-snippet" data-testid="search-snippet">${highlightParts(r.snippet || r.message.body || '', r.snippet ? r.highlights : undefined, view.query)
          .map((p, i) => p.hit ? html`<mark key=${i}>${p.text}</mark>` : p.text)}</span>
      </button>`)}
      ${view.status === 'done' && !view.results.length ? html`<p class="empty-list" data-testid="search-empty">No messages match “${view.query}”.</p>` : null}
      ${view.status === 'loading' ? html`<p class="muted small empty-note" role="status">Searching…</p>` : null}
      ${view.nextCursor && view.status === 'done' ? html`<button class="btn btn-soft full" data-testid="search-more" onClick=${() => actions.loadMoreResults()}>More results</button>` : null}
      ${view.status === 'idle' ? html`<p class="muted small empty-note">Find messages by their words${scopeChat ? '' : ' in all your chats'}.</p>` : null}
    </div>
  </section>`;
}
