// The scrolling list of one chat: day separators, grouped bubbles, the "new messages" marker,
// upward infinite scroll that keeps the reading position (and downward, when opened at the first
// unread message), and a jump-to-latest button with the count of messages below.
import { html } from 'htm/preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { Ticks, ClockIcon, AlertIcon, DownIcon } from './icons.js';
import { MessageMedia, mediaBubbleClass } from './MessageMedia.js';
import { Lightbox } from './Lightbox.js';
import { formatTime, formatDay, dayKey, hueOf } from '../format.js';
import { ownMessageStatus, pendingKey, reactionsOf } from '../store.js';
import { noticeText } from '../notices.js';
import { MessageText } from './MessageText.js';
import { MessageMenu, MessageEditor } from './MessageMenu.js';
import { ReactionChips } from './ReactionPicker.js';
import { ReplyQuote } from './ReplyQuote.js';
import { LinkPreview } from './LinkPreview.js';

/** @typedef {import('../state.js').Message} Message */

const GROUP_GAP_MS = 5 * 60 * 1000;
const LOAD_OLDER_PX = 400;
const AT_BOTTOM_PX = 80;

/** The optimistic copy and the server's keep one key (sender + clientId), so the bubble is not remounted. */
/** @param {Message|undefined} m */
const keyOf = (m) => (m ? pendingKey(m) || m.id : null);

/** @param {{chat: import('../state.js').Chat}} p */
export function MessageList({ chat }) {
  const { state, actions } = useApp();
  const me = state.me.value;
  const myId = me ? me.id : '';
  const entry = state.messages.value[chat.id];
  const moreAfter = !!(entry && entry.hasMoreAfter);
  const through = entry && entry.loadedThrough != null ? entry.loadedThrough : Infinity;
  // Opened at the first unread message: what came after the loaded pages waits until they are
  // loaded, so the list never shows a hole. One's own new messages always show.
  const items = !entry ? [] : moreAfter ? entry.items.filter((m) => m.seq == null || m.seq <= through) : entry.items;
  const marker = state.unreadMarker.value && state.unreadMarker.value.chatId === chat.id ? state.unreadMarker.value.afterSeq : null;
  const ref = useRef(/** @type {HTMLDivElement|null} */ (null));
  const snap = useRef({ placed: false, firstKey: /** @type {string|null} */ (null), lastKey: /** @type {string|null} */ (null), height: 0, top: 0, atBottom: true, moreAfter: false, toBottom: false });
  const [atBottom, setAtBottom] = useState(true);
  const [below, setBelow] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const s = snap.current;
    const firstKey = keyOf(items[0]);
    const lastKey = keyOf(items[items.length - 1]);
    if (!s.placed) {
      // The first time the history is there: at the "New messages" line, else at the bottom.
      const markerEl = /** @type {HTMLElement|null} */ (el.querySelector('[data-testid="new-messages-marker"]'));
      el.scrollTop = markerEl ? Math.max(0, markerEl.offsetTop - 48) : el.scrollHeight;
      if (entry && entry.loaded) s.placed = true;
    } else if (s.toBottom && !moreAfter) {
      s.toBottom = false;
      el.scrollTop = el.scrollHeight;
    } else if (lastKey !== s.lastKey) {
      const last = items[items.length - 1];
      const mine = last && last.sender.id === myId && last.seq == null;
      // A page loaded below the reader (downward scroll) is not a jump to the end.
      if (mine || (s.atBottom && !s.moreAfter && !moreAfter)) el.scrollTop = el.scrollHeight;
    } else if (firstKey !== s.firstKey && s.firstKey) {
      // Older messages were put on top: keep what the reader was looking at in place.
      el.scrollTop = s.top + (el.scrollHeight - s.height);
    } else if (s.atBottom && !moreAfter && el.scrollHeight !== s.height) {
      // A message at the bottom grew (a reaction, an edit): stay at the bottom.
      el.scrollTop = el.scrollHeight;
    }
    s.firstKey = firstKey;
    s.lastKey = lastKey;
    s.moreAfter = moreAfter;
    s.height = el.scrollHeight;
    s.top = el.scrollTop;
    s.atBottom = !moreAfter && el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    setAtBottom(s.atBottom);
    setBelow(countBelow(el));
    // One's own message sent while reading in the middle: show the end of the chat, where it is.
    if (moreAfter && items.some((m) => m.seq == null && m.sender.id === myId) && !s.toBottom) {
      s.toBottom = true;
      void actions.loadLatest(chat.id, { reset: true });
    }
    // Still near the top after a page (or the page does not fill the screen): keep loading.
    if (entry && entry.loaded && entry.hasMoreBefore && !entry.loadingOlder && firstKey && el.scrollTop < LOAD_OLDER_PX) {
      actions.loadOlder(chat.id);
    }
    if (moreAfter && !entry.loadingNewer && el.scrollHeight - el.scrollTop - el.clientHeight < LOAD_OLDER_PX) actions.loadNewer(chat.id);
  });

  // The list got shorter (a reply quote or the keyboard opened below it): whoever was reading the
  // newest messages keeps seeing them.
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      if (snap.current.atBottom) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    const s = snap.current;
    s.top = el.scrollTop;
    s.height = el.scrollHeight;
    const nearEnd = el.scrollHeight - el.scrollTop - el.clientHeight;
    s.atBottom = !moreAfter && nearEnd < AT_BOTTOM_PX;
    if (s.atBottom !== atBottom) setAtBottom(s.atBottom);
    const n = countBelow(el);
    if (n !== below) setBelow(n);
    if (el.scrollTop < LOAD_OLDER_PX) actions.loadOlder(chat.id);
    if (moreAfter && nearEnd < LOAD_OLDER_PX) actions.loadNewer(chat.id);
  }

  // A quote or a search result asked for a message: bring it to the middle and flash it.
  const jump = state.jumpTarget.value;
  const [flashId, setFlashId] = useState(/** @type {string|null} */ (null));
  useEffect(() => {
    const el = ref.current;
    if (!el || !jump || jump.chatId !== chat.id) return undefined;
    const target = /** @type {HTMLElement|null} */ (el.querySelector(`[data-testid="message"][data-id="${CSS.escape(jump.messageId)}"]`));
    if (!target) return undefined;
    target.scrollIntoView({ block: 'center' });
    setFlashId(jump.messageId);
    state.jumpTarget.value = null;
    const timer = setTimeout(() => setFlashId(null), 2500);
    return () => clearTimeout(timer);
  }, [jump, items]);

  function jumpToLatest() {
    const el = ref.current;
    if (!el) return;
    if (moreAfter) {
      // The end of the chat is not loaded: load it (in place of the stretch being read) and go there.
      snap.current.toBottom = true;
      void actions.loadLatest(chat.id, { reset: true });
      return;
    }
    const far = el.scrollHeight - el.scrollTop - el.clientHeight > 3 * el.clientHeight;
    el.scrollTo({ top: el.scrollHeight, behavior: far ? 'auto' : 'smooth' });
  }

  // Messages below the view, counting the unread ones not loaded yet.
  const notLoaded = moreAfter ? Math.max(0, chat.lastSeq - (through === Infinity ? chat.lastSeq : through)) : 0;
  const belowLabel = below + notLoaded > 0 ? (moreAfter ? `${below}+` : String(below)) : '';

  const isGroup = chat.kind === 'group';
  const lastOwnSeq = isGroup ? items.reduce((n, m) => (m.sender.id === myId && m.seq != null && !m.status ? Math.max(n, m.seq) : n), 0) : 0;
  /** @type {any[]} */
  const rows = [];
  let markerShown = false;
  items.forEach((m, i) => {
    const prev = items[i - 1];
    const next = items[i + 1];
    const newDay = !prev || dayKey(prev.createdAt) !== dayKey(m.createdAt);
    if (newDay) {
      rows.push(html`<div class="day-separator" data-testid="day-separator" key=${'d' + dayKey(m.createdAt)}>
        <span>${formatDay(m.createdAt)}</span></div>`);
    }
    if (marker !== null && !markerShown && m.seq != null && m.seq > marker && m.sender.id !== myId) {
      markerShown = true;
      rows.push(html`<div class="new-marker" data-testid="new-messages-marker" key="new-marker"><span>New messages</span></div>`);
    }
    const first = newDay || !sameGroup(prev, m) || (markerShown && marker !== null && prev && prev.seq != null && prev.seq <= marker && m.seq != null && m.seq > marker);
    const last = !next || !sameGroup(m, next) || dayKey(next.createdAt) !== dayKey(m.createdAt);
    rows.push(html`<${Bubble} key=${keyOf(m)} message=${m} chat=${chat} myId=${myId} first=${first} last=${last}
      isGroup=${isGroup} showSeen=${isGroup && m.seq === lastOwnSeq} onRetry=${actions.retrySend} onDiscard=${actions.discardFailed}
      onOpenImage=${(/** @type {string} */ attachmentId) => actions.openLightbox(chat.id, attachmentId)}
      flash=${flashId !== null && flashId === m.id} />`);
  });

  return html`
    <div class="message-scroller" ref=${ref} onScroll=${onScroll} data-testid="message-list" tabindex="0"
      role="log" aria-live="polite" aria-label=${'Messages in ' + chat.name}>
      <div class="message-column">
        ${entry && entry.loaded && !entry.hasMoreBefore ? html`<div class="history-start muted small" data-testid="history-start">This is the beginning of ${isGroup ? 'the group' : 'your conversation'}.</div>` : null}
        ${!entry || !entry.loaded ? (items.length ? null : html`<div class="loading-older">Loading…</div>`) : null}
        ${rows}
      </div>
    </div>
    ${entry && entry.loadingOlder ? html`<div class="loading-pill" data-testid="loading-older" role="status">Loading earlier messages…</div>` : null}
    ${entry && entry.loadingNewer ? html`<div class="loading-pill is-below" data-testid="loading-newer" role="status">Loading newer messages…</div>` : null}
    ${!atBottom ? html`
      <button class="jump-latest" data-testid="jump-latest" onClick=${jumpToLatest}
        aria-label=${belowLabel ? `Jump to latest messages, ${belowLabel} below` : 'Jump to latest messages'}>
        ${belowLabel ? html`<span class="jump-count" data-testid="jump-count">${belowLabel}</span>` : null}<${DownIcon} />
      </button>` : null}
    <${Lightbox} open=${state.lightbox.value} chatId=${chat.id} items=${items} onClose=${actions.closeLightbox} onStep=${actions.stepLightbox} />`;
}

/** How many messages start below the bottom of the list's view. @param {HTMLElement} el */
function countBelow(el) {
  const bottom = el.getBoundingClientRect().bottom;
  const rows = el.querySelectorAll('[data-testid="message"]');
  let n = 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i].getBoundingClientRect().top < bottom) break;
    n += 1;
  }
  return n;
}

/** @param {Message|undefined} a @param {Message} b */
function sameGroup(a, b) {
  if (!a) return false;
  if (a.kind === 'system' || b.kind === 'system') return false;
  return a.sender.id === b.sender.id && Date.parse(b.createdAt) - Date.parse(a.createdAt) < GROUP_GAP_MS;
}

/**
 * @param {{message: Message, chat: import('../state.js').Chat, myId: string, first: boolean, last: boolean,
 *   isGroup: boolean, showSeen: boolean, onRetry: (id: string) => void, onDiscard: (id: string) => void,
 *   onOpenImage: (attachmentId: string) => void, flash: boolean}} p
 */
function Bubble({ message: m, chat, myId, first, last, isGroup, showSeen, onRetry, onDiscard, onOpenImage, flash }) {
  const { state, actions } = useApp();
  const [menuOpen, setMenuOpen] = useState(false);
  const users = state.users.value;
  // Names as they are now, not as they were when the message was written.
  const knownName = (/** @type {string} */ id) => (id === myId ? 'You' : (users[id] && users[id].name) || (chat.members.find((x) => x.user.id === id) || { user: { name: '' } }).user.name);
  const nameOf = (/** @type {string} */ id) => knownName(id) || 'Someone';
  if (m.kind === 'system') {
    return html`<div class="system-message" data-testid="message" data-seq=${m.seq} data-id=${m.id || ''}>${noticeText(m.event, m.body || '', knownName)}</div>`;
  }
  const own = m.sender.id === myId;
  const st = own ? ownMessageStatus(m, chat, myId) : null;
  const editing = state.editing.value && state.editing.value.messageId === m.id && !m.deletedAt;
  const mentioned = (m.mentions || []).map((id) => ({ id, name: id === myId ? (state.me.value ? state.me.value.name : '') : nameOf(id) }));
  const mentionsMe = !own && ((m.mentions || []).includes(myId) || !!m.mentionAll);
  const cls = ['msg', own ? 'own' : 'other', first ? 'first' : '', last ? 'last' : '', st ? 'is-' + st.status : '',
    mentionsMe ? 'mentions-me' : '', flash ? 'is-flash' : '', m.deletedAt ? 'is-deleted' : m.editedAt ? 'is-edited' : ''].join(' ');
  return html`
    <div class=${cls} data-testid="message" data-seq=${m.seq == null ? '' : m.seq} data-id=${m.id || ''}
      data-client-id=${m.clientId || ''} data-own=${own ? 'true' : 'false'} data-deleted=${m.deletedAt ? 'true' : 'false'}
      onContextMenu=${(/** @type {MouseEvent} */ e) => { if (m.id && !m.deletedAt && !editing) { e.preventDefault(); setMenuOpen(true); } }}
      onMouseLeave=${() => setMenuOpen(false)}>
      ${isGroup && !own ? html`<div class="msg-avatar">${last ? html`<${Avatar} id=${m.sender.id} name=${m.sender.name} size=${28} />` : null}</div>` : null}
      <div class=${'bubble' + mediaBubbleClass(m)}>
        ${isGroup && !own && first ? html`<div class="sender" data-testid="message-sender" style=${'--hue:' + hueOf(m.sender.id)}>${m.sender.name}</div>` : null}
        ${m.replyTo && !m.deletedAt ? html`<${ReplyQuote} reply=${m.replyTo} onOpen=${(/** @type {string} */ id) => actions.jumpToMessage(chat.id, id)} />` : null}
        ${m.attachments && m.attachments.length && !m.deletedAt ? html`<${MessageMedia} message=${m} onOpenImage=${onOpenImage} />` : null}
        ${m.deletedAt ? html`<div class="body muted deleted-body" data-testid="message-deleted"><em>This message was deleted</em><span class="meta-spacer"></span></div>`
          : editing ? html`<${MessageEditor} message=${m} chatId=${chat.id} />`
          : mediaBubbleClass(m).includes('media-only') ? null : html`
          <div class="body" data-testid="message-body"><${MessageText} text=${m.body || ''} people=${mentioned} group=${m.mentionAll || null}
            myId=${myId} /><span class="meta-spacer"></span></div>`}
        <span class="meta">
          ${m.editedAt && !m.deletedAt ? html`<span class="edited" data-testid="edited-marker">(edited)</span>` : null}
          <time datetime=${m.createdAt} title=${new Date(m.createdAt).toLocaleString()}>${formatTime(m.createdAt)}</time>
          ${st ? html`<${Status} status=${st.status} />` : null}
        </span>
        ${!editing ? html`<${MessageMenu} message=${m} chat=${chat} open=${menuOpen} onClose=${() => setMenuOpen(false)} />` : null}
      </div>
      ${m.id && m.body && !m.deletedAt ? html`<${LinkPreview} messageId=${m.id} body=${m.body} />` : null}
      ${!m.deletedAt ? html`<${ReactionChips} reactions=${reactionsOf(m, myId)} nameOf=${nameOf}
        onToggle=${(/** @type {string} */ emoji) => actions.toggleReaction(chat.id, m.id, emoji)} />` : null}
      ${st && st.status === 'failed' ? html`
        <div class="failed-row" role="alert" data-testid="failed-row">
          <span data-testid="failed-reason">Not sent${m.error ? ': ' + m.error : '.'}</span>
          ${m.rejected ? null : html`<button class="link-btn" data-testid="retry-button" onClick=${() => onRetry(/** @type {string} */ (m.clientId))}>Retry</button>`}
          <button class="link-btn" data-testid="discard-button" onClick=${() => m.rejected ? actions.dismissRejected(chat.id, /** @type {string} */ (m.clientId)) : onDiscard(/** @type {string} */ (m.clientId))}>${m.rejected ? 'Dismiss' : 'Delete'}</button>
        </div>` : null}
      ${showSeen && st && st.seenBy > 0 ? html`<div class="seen-by" data-testid="seen-by">Seen by ${st.seenBy}</div>` : null}
    </div>`;
}

const STATUS_LABEL = { sending: 'Sending', failed: 'Not sent', sent: 'Sent', delivered: 'Delivered', read: 'Read' };

/** @param {{status: 'sending'|'failed'|'sent'|'delivered'|'read'}} p */
function Status({ status }) {
  return html`<span class=${'status status-' + status} data-testid="message-status" data-status=${status}
    title=${STATUS_LABEL[status]} aria-label=${STATUS_LABEL[status]}>
    ${status === 'sending' ? html`<${ClockIcon} size=${13} />`
      : status === 'failed' ? html`<${AlertIcon} size=${14} />`
      : html`<${Ticks} double=${status !== 'sent'} />`}
  </span>`;
}
