// The open chat: header (name, members, presence or typing), messages, composer, member panel.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApp } from './context.js';
import { Avatar } from './Avatar.js';
import { MessageList } from './MessageList.js';
import { Composer } from './Composer.js';
import { ChatMenu } from './ChatMenu.js';
import { ConfirmDelete } from './MessageMenu.js';
import { DropZone } from './DropZone.js';
import { BackIcon, UsersIcon, CloseIcon, ChatIcon } from './icons.js';
import { ArchiveIcon } from './action-icons.js';
import { formatLastSeen } from '../format.js';

export function ChatWindow() {
  const { state, actions } = useApp();
  const chat = state.activeChat.value;
  if (!chat) {
    return html`
      <section class="chat-window empty-chat" aria-label="No chat selected">
        <div class="empty-chat-inner">
          <div class="empty-icon"><${ChatIcon} size=${40} /></div>
          <h2>Welcome to Chat-Flow</h2>
          <p class="muted">Pick a chat on the left, or start a new conversation.</p>
          <div class="row gap">
            <button class="btn" onClick=${() => actions.openDialog('direct')}>New message</button>
            <button class="btn btn-soft" onClick=${() => actions.openDialog('group')}>New group</button>
          </div>
        </div>
      </section>`;
  }
  const myId = state.me.value ? state.me.value.id : '';
  const other = chat.kind === 'direct' ? (chat.members.find((m) => m.user.id !== myId) || chat.members[0]) : null;
  const presence = other ? state.presence.value[other.user.id] : null;
  const typers = Object.keys(state.typing.value[chat.id] || {}).filter((id) => id !== myId);
  const users = state.users.value;
  const nameOf = (/** @type {string} */ id) => {
    const m = chat.members.find((x) => x.user.id === id);
    return ((m && m.user.name) || (users[id] && users[id].name) || 'Someone').split(' ')[0];
  };
  let subtitle;
  if (typers.length) {
    const text = chat.kind === 'direct' ? 'typing…'
      : typers.length === 1 ? `${nameOf(typers[0])} is typing…`
      : typers.length === 2 ? `${nameOf(typers[0])} and ${nameOf(typers[1])} are typing…`
      : 'Several people are typing…';
    subtitle = html`<span class="typing-text" data-testid="typing-indicator">${text}</span>`;
  } else if (chat.kind === 'group') {
    const online = chat.members.filter((m) => m.user.id !== myId && state.presence.value[m.user.id]?.online).length;
    subtitle = html`<span data-testid="chat-subtitle">${(chat.memberCount || chat.members.length)} members${online ? `, ${online} online` : ''}</span>`;
  } else {
    subtitle = html`<span data-testid="chat-subtitle" class=${presence && presence.online ? 'online-text' : ''}>
      ${presence && presence.online ? 'online' : formatLastSeen(presence && presence.lastSeenAt)}</span>`;
  }
  return html`
    <section class="chat-window" aria-label=${'Chat with ' + chat.name} data-testid="chat-window" data-chat-id=${chat.id}>
      <header class="chat-head">
        <button class="icon-btn back-btn" aria-label="Back to chats" data-testid="back-button" onClick=${() => actions.closeChat()}>
          <${BackIcon} />
        </button>
        <${Avatar} id=${other ? other.user.id : chat.id} name=${chat.name} url=${other ? other.user.avatarUrl : null}
          size=${40} online=${other ? !!(presence && presence.online) : null} group=${chat.kind === 'group'} />
        <div class="chat-head-text">
          <h2 data-testid="chat-title">${chat.name}</h2>
          <div class="muted small">${subtitle}</div>
        </div>
        <${ChatMenu} chat=${chat} />
        ${chat.kind === 'group' ? html`
          <button class=${'icon-btn' + (state.membersOpen.value ? ' is-active' : '')} aria-label="Members" title="Members"
            aria-expanded=${state.membersOpen.value} data-testid="members-button" onClick=${() => actions.toggleMembers()}>
            <${UsersIcon} />
          </button>` : null}
      </header>
      ${chat.groupArchivedAt ? html`<div class="archived-banner" role="status" data-testid="archived-banner">
        <${ArchiveIcon} size=${16} /><span>Archived group: read only</span></div>` : null}
      <div class="chat-body">
        <${DropZone} onFiles=${(/** @type {File[]} */ files) => actions.addFiles(chat.id, files)}>
          <${MessageList} key=${chat.id} chat=${chat} />
          <${Composer} key=${chat.id} chatId=${chat.id} />
        <//>
        ${chat.kind === 'group' && state.membersOpen.value ? html`<${MembersPanel} chat=${chat} />` : null}
      </div>
      <${ConfirmDelete} />
    </section>`;
}

/** @param {{chat: import('../state.js').Chat}} p */
function MembersPanel({ chat }) {
  const { state, actions } = useApp();
  const me = state.me.value;
  const myId = me ? me.id : '';
  const mine = chat.members.find((m) => m.user.id === myId);
  const canManage = (mine && mine.role === 'owner') || (me && me.role === 'admin');
  const [adding, setAdding] = useState(false);
  const [query, setQuery] = useState('');
  const memberIds = new Set(chat.members.map((m) => m.user.id));
  const candidates = Object.values(state.users.value)
    .filter((u) => !memberIds.has(u.id) && u.status !== 'deactivated' && u.name.toLowerCase().includes(query.trim().toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, 30);
  const members = [...chat.members].sort((a, b) =>
    (a.role === 'owner' ? 0 : 1) - (b.role === 'owner' ? 0 : 1) || a.user.name.localeCompare(b.user.name));
  return html`
    <aside class="members-panel" aria-label="Group members" data-testid="members-panel"
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape' && !e.defaultPrevented) actions.toggleMembers(); }}>
      <div class="panel-head">
        <strong>${(chat.memberCount || chat.members.length)} members</strong>
        <button class="icon-btn small" aria-label="Close members" onClick=${() => actions.toggleMembers()}><${CloseIcon} size=${16} /></button>
      </div>
      ${state.dialogError.value ? html`<p class="error" role="alert">${state.dialogError.value}</p>` : null}
      ${canManage ? (adding ? html`
        <div class="add-members">
          <input type="search" placeholder="Add people…" aria-label="Find people to add" value=${query} autofocus
            data-testid="add-member-search"
            onInput=${(/** @type {any} */ e) => { setQuery(e.currentTarget.value); actions.searchDirectory(e.currentTarget.value); }} />
          <ul class="picker">
            ${candidates.map((u) => html`
              <li key=${u.id}>
                <button class="person-row" data-testid="add-member-option" onClick=${() => actions.addMembers(chat.id, [u.id])}>
                  <${Avatar} id=${u.id} name=${u.name} url=${u.avatarUrl} size=${28} />
                  <span>${u.name}</span><span class="muted small plus">Add</span>
                </button>
              </li>`)}
            ${!candidates.length ? html`<li class="muted small empty-note">No one else to add.</li>` : null}
          </ul>
          <button class="btn btn-soft full" onClick=${() => setAdding(false)}>Done</button>
        </div>` : html`
        <button class="btn btn-soft full" data-testid="add-members" onClick=${() => setAdding(true)}>Add people</button>`) : null}
      <ul class="member-list">
        ${members.map((m) => html`
          <li key=${m.user.id} class="member-item" data-testid="member-item" data-user-id=${m.user.id}>
            <${Avatar} id=${m.user.id} name=${m.user.name} url=${m.user.avatarUrl} size=${32}
              online=${!!state.presence.value[m.user.id]?.online} />
            <span class="member-name">${m.user.name}${m.user.id === myId ? ' (you)' : ''}</span>
            ${m.role === 'owner' ? html`<span class="role-tag">owner</span>` : null}
            ${m.user.status === 'deactivated' ? html`<span class="role-tag is-deactivated" data-testid="member-deactivated">deactivated</span>` : null}
            ${canManage && m.user.id !== myId ? html`
              <button class="link-btn danger" data-testid="remove-member" aria-label=${'Remove ' + m.user.name}
                onClick=${() => actions.askConfirm({
                  title: `Remove ${m.user.name}?`, body: `${m.user.name} will no longer see new messages in “${chat.name}”.`,
                  confirmLabel: 'Remove', testid: 'confirm-remove-member', onConfirm: () => actions.removeMember(chat.id, m.user.id),
                })}>Remove</button>` : null}
          </li>`)}
      </ul>
      <button class="btn btn-danger full" data-testid="leave-group" onClick=${() => actions.askConfirm({
        title: `Leave “${chat.name}”?`, body: 'You will stop getting its messages. Someone in the group has to add you back.',
        confirmLabel: 'Leave group', testid: 'confirm-leave-group', onConfirm: () => actions.leaveChat(chat.id),
      })}>Leave group</button>
    </aside>`;
}
