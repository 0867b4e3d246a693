// The left column: who I am, the bell, search, filters, people online and the chat list.
import { html } from 'htm/preact';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { BellIcon, SearchIcon, EditIcon, UsersIcon, LogoutIcon, CloseIcon, SettingsIcon } from './icons.js';
import { formatListTime, previewText } from '../format.js';
import { SearchPanel } from './SearchPanel.js';
import { BellOffIcon } from './action-icons.js';

const FILTERS = /** @type {const} */ ([['all', 'All'], ['unread', 'Unread'], ['groups', 'Groups'], ['direct', 'Direct'], ['archived', 'Archived']]);

export function Sidebar() {
  const { state, actions } = useApp();
  const me = state.me.value;
  if (!me) return null;
  const chats = state.visibleChats.value;
  const people = state.peopleMatches.value;
  const searching = state.search.value.trim() !== '';
  return html`
    <aside class="sidebar" aria-label="Chats">
      <header class="sidebar-head">
        <button type="button" class="me me-button" data-testid="current-user" title="Your profile" aria-label=${'Your profile: ' + me.name}
          onClick=${() => actions.openProfile()}>
          <${Avatar} id=${me.id} name=${me.name} url=${me.avatarUrl} size=${36} />
          <span class="me-text">
            <strong data-testid="current-user-name">${me.name}</strong>
            <span class="muted small">${me.email}</span>
          </span>
        </button>
        <div class="head-actions">
          <${Bell} />
          ${me.role === 'admin' ? html`<a class="icon-btn" href="/admin" title="Admin console" aria-label="Admin console"
            data-testid="admin-console-link"><${SettingsIcon} /></a>` : null}
          <button class="icon-btn" title="New message" aria-label="New message" data-testid="new-direct"
            onClick=${() => actions.openDialog('direct')}><${EditIcon} /></button>
          <button class="icon-btn" title="New group" aria-label="New group" data-testid="new-group"
            onClick=${() => actions.openDialog('group')}><${UsersIcon} /></button>
          <button class="icon-btn" title="Sign out" aria-label="Sign out" data-testid="sign-out"
            onClick=${() => actions.signOut()}><${LogoutIcon} /></button>
        </div>
      </header>

      ${state.messageSearch.value.open ? html`<${SearchPanel} />` : html`
      <div class="search">
        <${SearchIcon} size=${16} />
        <input type="search" placeholder="Search chats and people" aria-label="Search chats and people"
          data-testid="search" value=${state.search.value}
          onInput=${(/** @type {any} */ e) => actions.setSearch(e.currentTarget.value)}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') actions.setSearch(''); }} />
      </div>

      <div class="filters" role="tablist" aria-label="Filter chats">
        ${FILTERS.filter(([key]) => key !== 'archived' || state.filter.value === 'archived' || Object.values(state.chats.value).some((c) => c.archived))
          .map(([key, label]) => html`
          <button role="tab" aria-selected=${state.filter.value === key} data-testid=${'filter-' + key}
            class=${'chip' + (state.filter.value === key ? ' is-active' : '')}
            onClick=${() => actions.setFilter(key)}>${label}</button>`)}
      </div>

      <${OnlineStrip} />

      <nav class="chat-list" aria-label="Recent chats" data-testid="chat-list">
        ${searching ? html`<button class="chat-item search-messages-item" data-testid="search-messages-for"
          onClick=${() => actions.openSearch(null, state.search.value)}>
          <span class="search-messages-icon"><${SearchIcon} size=${18} /></span>
          <span class="chat-item-main"><span class="chat-name">Search messages for “${state.search.value.trim()}”</span></span>
        </button>` : null}
        ${chats.map((c) => html`<${ChatListItem} key=${c.id} chat=${c} />`)}
        ${!chats.length && !searching ? html`
          <div class="empty-list">
            <p>No chats yet.</p>
            <button class="btn" onClick=${() => actions.openDialog('direct')}>Start a conversation</button>
          </div>` : null}
        ${searching && people.length ? html`
          <div class="list-section">People</div>
          ${people.map((u) => html`
            <button key=${u.id} class="chat-item" data-testid="person-result"
              onClick=${() => actions.startDirect(u.id)}>
              <${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} online=${!!state.presence.value[u.id]?.online} />
              <span class="chat-item-main">
                <span class="chat-item-row"><span class="chat-name">${u.name}</span></span>
                <span class="chat-item-row"><span class="preview muted">${u.email}</span></span>
              </span>
            </button>`)}` : null}
        ${searching && !chats.length && !people.length ? html`<div class="empty-list"><p>Nothing matches “${state.search.value}”.</p></div>` : null}
      </nav>`}
    </aside>`;
}

function OnlineStrip() {
  const { state, actions } = useApp();
  const online = state.onlineUsers.value;
  if (!online.length) return null;
  return html`
    <section class="online-strip" aria-label="Online now" data-testid="online-strip">
      <div class="list-section">Online now</div>
      <div class="online-people">
        ${online.map((u) => html`
          <button key=${u.id} class="online-person" data-testid="online-person" title=${'Message ' + u.name}
            onClick=${() => actions.startDirect(u.id)}>
            <${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} size=${44} online=${true} />
            <span class="online-name">${u.name.split(' ')[0]}</span>
          </button>`)}
      </div>
    </section>`;
}

/** @param {{chat: import('../state.js').Chat}} p */
function ChatListItem({ chat }) {
  const { state, actions } = useApp();
  const me = state.me.value;
  const myId = me ? me.id : '';
  const active = state.activeChatId.value === chat.id;
  const other = chat.kind === 'direct' ? (chat.members.find((m) => m.user.id !== myId) || chat.members[0]) : null;
  const online = other ? !!state.presence.value[other.user.id]?.online : null;
  const typers = Object.keys(state.typing.value[chat.id] || {}).filter((id) => id !== myId);
  const last = chat.lastMessage;
  const mentions = active ? 0 : chat.mentionCount || 0;
  const sender = last && last.sender ? (last.sender.id === myId ? 'You' : chat.kind === 'group' ? last.sender.name.split(' ')[0] : '') : '';
  return html`
    <button class=${'chat-item' + (active ? ' is-active' : '') + (chat.unreadCount > 0 ? ' is-unread' : '')}
      data-testid="chat-list-item" data-chat-id=${chat.id} data-kind=${chat.kind}
      aria-current=${active ? 'true' : undefined} onClick=${() => actions.openChat(chat.id)}>
      <${Avatar} id=${other ? other.user.id : chat.id} name=${chat.name} url=${other ? other.user.avatarUrl : null}
        online=${online} group=${chat.kind === 'group'} />
      <span class="chat-item-main">
        <span class="chat-item-row">
          <span class="chat-name" data-testid="chat-name">${chat.name}</span>
          ${chat.kind === 'group' ? html`<span class="member-count" title=${(chat.memberCount || chat.members.length) + ' members'}>
            <${UsersIcon} size=${11} /><span data-testid="member-count">${(chat.memberCount || chat.members.length)}</span></span>` : null}
          <span class="chat-time muted small">${last ? formatListTime(last.createdAt) : ''}</span>
        </span>
        <span class="chat-item-row">
          ${typers.length ? html`<span class="preview typing-text">typing…</span>` : html`
            <span class="preview" data-testid="chat-preview">
              ${sender ? html`<span class="preview-sender">${sender}: </span>` : null}${last ? previewText(last) : html`<span class="muted">No messages yet</span>`}
            </span>`}
          ${chat.muted ? html`<span class="muted-icon" title="Muted" data-testid="muted-icon"><${BellOffIcon} size=${14} /></span>` : null}
          ${mentions > 0 ? html`<span class="mention-badge" data-testid="mention-badge" title=${mentions + ' mentions of you'}
            aria-label=${mentions + ' mentions of you'}>@</span>` : null}
          ${chat.unreadCount > 0 ? html`<span class="badge" data-testid="unread-badge"
            aria-label=${chat.unreadCount + ' unread'}>${chat.unreadCount > 99 ? '99+' : chat.unreadCount}</span>` : null}
        </span>
      </span>
    </button>`;
}

function Bell() {
  const { state, actions } = useApp();
  const unseen = state.unseenNotifications.value;
  const open = state.bellOpen.value;
  const perm = state.notificationPermission.value;
  return html`
    <div class="bell">
      <button class="icon-btn" aria-label=${unseen ? `Notifications, ${unseen} new` : 'Notifications'} title="Notifications"
        aria-expanded=${open} data-testid="bell" onClick=${() => actions.toggleBell()}>
        <${BellIcon} />
        ${unseen ? html`<span class="bell-count" data-testid="bell-count">${unseen > 9 ? '9+' : unseen}</span>` : null}
      </button>
      ${open ? html`
        <div class="popover" role="dialog" aria-label="Notifications" data-testid="notification-panel"
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') actions.closeBell(); }}>
          <div class="popover-head">
            <strong>Notifications</strong>
            <button class="icon-btn small" aria-label="Close" onClick=${() => actions.closeBell()}><${CloseIcon} size=${16} /></button>
          </div>
          ${perm === 'default' ? html`
            <button class="btn btn-soft full" data-testid="enable-notifications"
              onClick=${() => actions.requestNotificationPermission()}>Enable desktop notifications</button>` : null}
          ${state.notifications.value.length ? html`
            <ul class="notification-list">
              ${state.notifications.value.map((n) => html`
                <li key=${n.id}>
                  <button class=${'notification' + (n.seen ? '' : ' is-new')} data-testid="notification-item"
                    onClick=${() => actions.openChat(n.chatId)}>
                    <strong>${n.title}</strong>
                    <span class="notification-body">${n.body}</span>
                    <span class="muted small">${formatListTime(new Date(n.at).toISOString())}</span>
                  </button>
                </li>`)}
            </ul>` : html`<p class="muted empty-note">You're all caught up.</p>`}
        </div>` : null}
    </div>`;
}
