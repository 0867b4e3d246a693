// All app state: signals made by one factory, so a test can build a fresh state without a DOM.
import { signal, computed } from '@preact/signals-core';

/**
 * @typedef {{id: string, email?: string, name: string, avatarUrl?: string|null, role?: string, status?: string}} User
 * @typedef {{user: User, role: 'owner'|'member', deliveredSeq?: number, readSeq?: number}} Member
 * @typedef {{id: string, chatId: string, seq: number|null, clientId: string|null, sender: {id: string, name: string},
 *   kind: string, body: string|null, attachments?: unknown[], createdAt: string, editedAt?: string|null, deletedAt?: string|null,
 *   status?: 'sending'|'failed'|'sent', error?: string, rejected?: boolean, updateSeq?: number,
 *   reactions?: Reaction[], replyTo?: ReplyRef|null, mentions?: string[], mentionAll?: 'all'|'here'|null, event?: SystemEvent|null}} Message
 * @typedef {{emoji: string, count: number, me: boolean, userIds?: string[]}} Reaction
 * @typedef {{id: string, sender: {id: string, name: string}|null, excerpt: string}} ReplyRef
 * @typedef {{type: string, actorId: string, userIds: string[], name?: string, archived?: boolean}} SystemEvent
 * @typedef {{message: Message, chat: {id: string, name: string, kind: string}, snippet: string, highlights?: Array<[number, number]>}} SearchResult
 * @typedef {{open: boolean, query: string, chatId: string|null, results: SearchResult[], nextCursor: string|null,
 *   status: 'idle'|'loading'|'done'|'error', error: string}} SearchView
 * @typedef {{id: string, kind: 'direct'|'group', name: string, members: Member[], memberCount: number, lastSeq: number,
 *   lastMessage: Message|null, readSeq: number, unreadCount: number, createdAt: string,
 *   muted?: boolean, archived?: boolean, mentionCount?: number}} Chat
 * @typedef {{items: Message[], loaded: boolean, hasMoreBefore: boolean, loadingOlder: boolean,
 *   hasMoreAfter?: boolean, loadingNewer?: boolean, loadedThrough?: number|null}} ChatMessages
 *   `hasMoreAfter`: the chat was opened at its first unread message and newer pages are not loaded yet;
 *   only messages up to the log entry `loadedThrough` are shown until they are.
 * @typedef {{title: string, body: string, confirmLabel: string, testid: string, onConfirm: () => void|Promise<void>}} ConfirmRequest
 * @typedef {{chatName: string, text: string}} ClosedNotice
 * @typedef {{id: string, chatId: string, messageId: string, title: string, body: string, at: number, seen: boolean}} AppNotification
 * @typedef {{id: number, chatId: string, title: string, body: string}} Toast
 * @typedef {import('./media-store.js').PendingUpload} PendingUpload
 * @typedef {import('./media-store.js').VoiceState} VoiceState
 */

export function createAppState() {
  /** @type {import('@preact/signals-core').Signal<'loading'|'signed-out'|'signed-in'>} */
  const authStatus = signal('loading');
  /** @type {import('@preact/signals-core').Signal<User|null>} */
  const me = signal(null);
  const signInError = signal('');
  const signingIn = signal(false);

  /** @type {import('@preact/signals-core').Signal<Record<string, Chat>>} */
  const chats = signal({});
  /** @type {import('@preact/signals-core').Signal<Record<string, ChatMessages>>} */
  const messages = signal({});
  /** @type {import('@preact/signals-core').Signal<Record<string, User>>} */
  const users = signal({});
  /** @type {import('@preact/signals-core').Signal<Record<string, {online: boolean, lastSeenAt: string|null}>>} */
  const presence = signal({});
  /** Per chat, who is typing and until when (ms epoch). */
  /** @type {import('@preact/signals-core').Signal<Record<string, Record<string, number>>>} */
  const typing = signal({});

  /** @type {import('@preact/signals-core').Signal<string|null>} */
  const activeChatId = signal(null);
  /** The seq after which the "new messages" marker sits in the open chat. */
  /** @type {import('@preact/signals-core').Signal<{chatId: string, afterSeq: number}|null>} */
  const unreadMarker = signal(null);
  /** @type {import('@preact/signals-core').Signal<'all'|'unread'|'groups'|'direct'|'archived'>} */
  const filter = signal('all');
  const search = signal('');
  /** @type {import('@preact/signals-core').Signal<null|'direct'|'group'|'members'>} */
  const dialog = signal(null);
  const dialogError = signal('');
  const membersOpen = signal(false);
  /** Unsent composer text per chat. */
  /** @type {import('@preact/signals-core').Signal<Record<string, string>>} */
  const drafts = signal({});
  const bellOpen = signal(false);
  /** A destructive action waiting for the user's yes. */
  /** @type {import('@preact/signals-core').Signal<ConfirmRequest|null>} */
  const confirm = signal(null);
  /** Why the chat that was open closed by itself (removed from it, or it was deleted). */
  /** @type {import('@preact/signals-core').Signal<ClosedNotice|null>} */
  const closedNotice = signal(null);
  const quickSwitcherOpen = signal(false);

  /** The message each chat's composer replies to. */
  /** @type {import('@preact/signals-core').Signal<Record<string, ReplyRef>>} */
  const replyDrafts = signal({});
  /** The message being edited in place. */
  /** @type {import('@preact/signals-core').Signal<{chatId: string, messageId: string, error?: string}|null>} */
  const editing = signal(null);
  /** The message whose deletion waits for confirmation. */
  /** @type {import('@preact/signals-core').Signal<{chatId: string, messageId: string, error?: string}|null>} */
  const pendingDelete = signal(null);
  /** A message to bring into view and highlight (a reply's quote or a search result was opened). */
  /** @type {import('@preact/signals-core').Signal<{chatId: string, messageId: string, at: number}|null>} */
  const jumpTarget = signal(null);
  /** @type {import('@preact/signals-core').Signal<SearchView>} */
  const messageSearch = signal(/** @type {SearchView} */ ({ open: false, query: '', chatId: null, results: [], nextCursor: null, status: 'idle', error: '' }));

  /** Files picked for a chat's next message, uploading or uploaded, in the order they were added. */
  /** @type {import('@preact/signals-core').Signal<Record<string, PendingUpload[]>>} */
  const uploads = signal({});
  /** Per chat, the caption of a message the user sent while its files were still uploading. */
  /** @type {import('@preact/signals-core').Signal<Record<string, string>>} */
  const queuedSends = signal({});
  /** @type {import('@preact/signals-core').Signal<{chatId: string, attachmentId: string}|null>} */
  const lightbox = signal(null);
  /** @type {import('@preact/signals-core').Signal<VoiceState|null>} */
  const voice = signal(null);

  /** @type {import('@preact/signals-core').Signal<AppNotification[]>} */
  const notifications = signal([]);
  /** @type {import('@preact/signals-core').Signal<Toast[]>} */
  const toasts = signal([]);
  /** @type {import('@preact/signals-core').Signal<'default'|'granted'|'denied'|'unsupported'>} */
  const notificationPermission = signal('unsupported');
  /** @type {import('@preact/signals-core').Signal<'connecting'|'online'|'offline'>} */
  const connection = signal('connecting');
  const everConnected = signal(false);
  const pageVisible = signal(true);

  const activeChat = computed(() => (activeChatId.value ? chats.value[activeChatId.value] || null : null));

  const chatsByRecent = computed(() =>
    Object.values(chats.value).sort((a, b) => activityTime(b) - activityTime(a)),
  );

  const visibleChats = computed(() => {
    const term = search.value.trim().toLowerCase();
    const f = filter.value;
    return chatsByRecent.value.filter((c) => {
      if (f === 'unread' && !(c.unreadCount > 0)) return false;
      if (f === 'groups' && c.kind !== 'group') return false;
      if (f === 'direct' && c.kind !== 'direct') return false;
      // Archived chats are tucked away under their own filter (a search still finds them).
      if (f === 'archived' ? !c.archived : !!c.archived && !term) return false;
      if (!term) return true;
      return c.name.toLowerCase().includes(term) ||
        c.members.some((m) => m.user.name.toLowerCase().includes(term));
    });
  });

  /** People matching the search box (directory), for starting a chat straight from the sidebar. */
  const peopleMatches = computed(() => {
    const term = search.value.trim().toLowerCase();
    if (!term) return [];
    const myId = me.value && me.value.id;
    return Object.values(users.value)
      .filter((u) => u.id !== myId && u.status !== 'deactivated' &&
        (u.name.toLowerCase().includes(term) || (u.email || '').toLowerCase().includes(term)))
      .slice(0, 8);
  });

  const onlineUsers = computed(() => {
    const myId = me.value && me.value.id;
    const known = users.value;
    return Object.entries(presence.value)
      .filter(([id, p]) => p.online && id !== myId && known[id])
      .map(([id]) => known[id])
      .sort((a, b) => a.name.localeCompare(b.name));
  });

  const totalUnread = computed(() =>
    Object.values(chats.value).reduce((n, c) => n + (c.unreadCount > 0 ? c.unreadCount : 0), 0),
  );

  const unseenNotifications = computed(() => notifications.value.filter((n) => !n.seen).length);

  return {
    authStatus, me, signInError, signingIn,
    chats, messages, users, presence, typing,
    activeChatId, unreadMarker, filter, search, dialog, dialogError, membersOpen, bellOpen, drafts,
    confirm, closedNotice, quickSwitcherOpen,
    replyDrafts, editing, pendingDelete, jumpTarget, messageSearch,
    notifications, toasts, notificationPermission, connection, everConnected, pageVisible,
    uploads, queuedSends, lightbox, voice,
    activeChat, chatsByRecent, visibleChats, peopleMatches, onlineUsers, totalUnread, unseenNotifications,
  };
}

/** @typedef {ReturnType<typeof createAppState>} AppState */

/** @param {Chat} chat */
export function activityTime(chat) {
  const t = chat.lastMessage ? chat.lastMessage.createdAt : chat.createdAt;
  return t ? Date.parse(t) || 0 : 0;
}
