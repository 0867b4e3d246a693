// State transitions: pure updates of the signals in AppState. No I/O here.

/** @typedef {import('./state.js').AppState} AppState */
/** @typedef {import('./state.js').Chat} Chat */
/** @typedef {import('./state.js').Message} Message */
/** @typedef {import('./state.js').ChatMessages} ChatMessages */

/** @returns {ChatMessages} */
const emptyEntry = () => ({ items: [], loaded: false, hasMoreBefore: true, loadingOlder: false });

/** @param {AppState} state @param {string} chatId */
export function entryOf(state, chatId) {
  return state.messages.value[chatId] || emptyEntry();
}

/** @param {AppState} state @param {string} chatId @param {Partial<ChatMessages>} patch */
export function patchEntry(state, chatId, patch) {
  state.messages.value = { ...state.messages.value, [chatId]: { ...entryOf(state, chatId), ...patch } };
}

/** @param {AppState} state @param {Chat[]} list */
export function setChats(state, list) {
  /** @type {Record<string, Chat>} */
  const next = {};
  const prev = state.chats.value;
  for (const c of list) next[c.id] = keepWatermarks(prev[c.id], normalizeChat(c));
  state.chats.value = next;
  rememberUsers(state, list.flatMap((c) => c.members.map((m) => m.user)));
}

/** @param {AppState} state @param {Chat} chat */
export function upsertChat(state, chat) {
  const prev = state.chats.value[chat.id];
  const next = keepWatermarks(prev, normalizeChat(chat));
  if (prev && prev.lastMessage && next.lastMessage && (prev.lastMessage.seq || 0) > (next.lastMessage.seq || 0)) {
    next.lastMessage = prev.lastMessage;
    next.lastSeq = Math.max(prev.lastSeq, next.lastSeq);
  }
  state.chats.value = { ...state.chats.value, [chat.id]: next };
  rememberUsers(state, chat.members.map((m) => m.user));
}

/** @param {AppState} state @param {string} chatId @param {(c: Chat) => Partial<Chat>} fn */
export function patchChat(state, chatId, fn) {
  const chat = state.chats.value[chatId];
  if (!chat) return;
  state.chats.value = { ...state.chats.value, [chatId]: { ...chat, ...fn(chat) } };
}

/** @param {AppState} state @param {string} chatId */
export function removeChat(state, chatId) {
  const { [chatId]: _gone, ...rest } = state.chats.value;
  state.chats.value = rest;
  if (state.activeChatId.value === chatId) {
    state.activeChatId.value = null;
    state.membersOpen.value = false;
  }
}

/**
 * Watermarks only move forward: a chat list fetched before a receipt arrived must not undo it.
 * @param {Chat|undefined} prev @param {Chat} next @returns {Chat}
 */
function keepWatermarks(prev, next) {
  if (!prev) return next;
  const before = new Map(prev.members.map((m) => [m.user.id, m]));
  return {
    ...next,
    readSeq: Math.max(prev.readSeq, next.readSeq),
    members: next.members.map((m) => {
      const p = before.get(m.user.id);
      return p ? { ...m, deliveredSeq: Math.max(p.deliveredSeq || 0, m.deliveredSeq || 0), readSeq: Math.max(p.readSeq || 0, m.readSeq || 0) } : m;
    }),
  };
}

/** @param {Chat} c @returns {Chat} */
function normalizeChat(c) {
  return {
    ...c,
    members: (c.members || []).map((m) => ({ ...m, deliveredSeq: m.deliveredSeq || 0, readSeq: m.readSeq || 0 })),
    // Large groups embed only their first members; the count is the whole group's.
    memberCount: c.memberCount || (c.members || []).length,
    lastSeq: c.lastSeq || 0,
    readSeq: c.readSeq || 0,
    unreadCount: c.unreadCount || 0,
  };
}

/** @param {AppState} state @param {import('./state.js').User[]} list */
export function rememberUsers(state, list) {
  let changed = false;
  const next = { ...state.users.value };
  for (const u of list) {
    if (!u || !u.id) continue;
    const prev = next[u.id];
    if (!prev || prev.name !== u.name || prev.avatarUrl !== u.avatarUrl) {
      next[u.id] = { ...prev, ...u };
      changed = true;
    }
  }
  if (changed) state.users.value = next;
}

/** Where a message stands in the chat's log: its own seq, or the seq of the entry that last changed it. @param {Message} m */
export const versionOf = (m) => Math.max(m.seq || 0, m.updateSeq || 0);

/** Two users may pick the same clientId: a pending message is only ever matched by sender and clientId. @param {Message} m */
export const pendingKey = (m) => (m.clientId ? `${m.sender ? m.sender.id : ''}:${m.clientId}` : null);

/** @param {Message} a @param {Message} b */
const sameContent = (a, b) => a.body === b.body && a.editedAt === b.editedAt && a.deletedAt === b.deletedAt &&
  JSON.stringify(a.reactions || []) === JSON.stringify(b.reactions || []);

/**
 * Merges server messages into a chat's list: one entry per id, ordered by seq, a newer version of a
 * known message replaces it in place, and a local (optimistic) entry disappears as soon as the
 * server copy with its sender and clientId is present. A change to a message older than what is
 * loaded is not inserted (unless `page` says the list is a page of history, which is a stretch with
 * no holes): history brings that message, already changed, when it is scrolled to.
 * @param {AppState} state @param {string} chatId @param {Message[]} incoming @param {boolean} [page]
 * @returns {Message[]} the messages that were not known before
 */
export function mergeMessages(state, chatId, incoming, page = false) {
  const entry = entryOf(state, chatId);
  /** @type {Map<string, Message>} */
  const byId = new Map();
  /** @type {Message[]} */
  const locals = [];
  for (const m of entry.items) (m.id && m.seq != null ? byId.set(m.id, m) : locals.push(m));
  const oldest = entry.items.reduce((n, m) => (m.seq != null && m.seq < n ? m.seq : n), Infinity);
  /** @type {Message[]} */
  const fresh = [];
  let changed = false;
  for (const m of incoming) {
    if (!m || !m.id) continue;
    const before = byId.get(m.id);
    if (!before) {
      if (!page && (m.updateSeq || 0) > (m.seq || 0) && !(m.seq > oldest)) continue;
      fresh.push(m);
      byId.set(m.id, m);
      changed = true;
      continue;
    }
    const newer = versionOf(m) > versionOf(before) || (versionOf(m) === versionOf(before) && !sameContent(before, m));
    if (before.status || newer) {
      byId.set(m.id, m);
      changed = true;
    }
  }
  if (!changed) return fresh;
  const serverKeys = new Set();
  for (const m of byId.values()) if (m.clientId) serverKeys.add(pendingKey(m));
  const items = [...byId.values()].sort((a, b) => /** @type {number} */ (a.seq) - /** @type {number} */ (b.seq));
  for (const l of locals) if (!serverKeys.has(pendingKey(l))) items.push(l);
  state.messages.value = { ...state.messages.value, [chatId]: { ...entry, items } };
  return fresh;
}

/**
 * A change to a message (edit, delete, reaction) also reaches the chat list's preview.
 * @param {AppState} state @param {Message} m
 */
export function applyUpdateToChat(state, m) {
  const chat = state.chats.value[m.chatId];
  if (!chat || !chat.lastMessage || chat.lastMessage.id !== m.id || versionOf(m) < versionOf(chat.lastMessage)) return;
  if (sameContent(chat.lastMessage, m)) return;
  patchChat(state, m.chatId, () => ({ lastMessage: m }));
}

/**
 * The writer refused a send it had acked (membership removed, group archived meanwhile): the
 * bubble shows it failed, with the reason, and cannot be retried.
 * @param {AppState} state @param {{chatId: string, clientId: string, id?: string, error?: {code?: string, message?: string}}} p
 * @param {string} myId
 */
export function rejectMessage(state, p, myId) {
  const entry = entryOf(state, p.chatId);
  let found = false;
  const items = entry.items.map((m) => {
    const mine = m.sender && m.sender.id === myId && m.clientId === p.clientId;
    if (!mine || (m.seq != null && !m.status)) return m;
    found = true;
    return { ...m, status: /** @type {const} */ ('failed'), rejected: true, error: (p.error && p.error.message) || 'The message was refused.' };
  });
  if (found) patchEntry(state, p.chatId, { items });
  return found;
}

/**
 * Reactions as this user sees them: with `userIds` (when the server sends them) "me" is worked out
 * here, so a broadcast meant for everyone still highlights my own.
 * @param {Message} m @param {string} myId @returns {import('./state.js').Reaction[]}
 */
export function reactionsOf(m, myId) {
  return (m.reactions || [])
    .filter((r) => r && r.emoji && r.count > 0)
    .map((r) => (Array.isArray(r.userIds) ? { ...r, me: r.userIds.includes(myId) } : r));
}

/**
 * The reactions after I add or remove one, shown at once while the server confirms.
 * @param {Message} m @param {string} emoji @param {boolean} add @param {string} myId
 * @returns {import('./state.js').Reaction[]}
 */
export function toggledReactions(m, emoji, add, myId) {
  const list = reactionsOf(m, myId);
  const at = list.findIndex((r) => r.emoji === emoji);
  if (add) {
    if (at >= 0 && list[at].me) return list;
    if (at < 0) return [...list, { emoji, count: 1, me: true, ...(m.reactions && m.reactions.some((r) => r.userIds) ? { userIds: [myId] } : {}) }];
    const r = list[at];
    return list.map((x, i) => i !== at ? x : { ...r, count: r.count + 1, me: true, ...(r.userIds ? { userIds: [...r.userIds, myId] } : {}) });
  }
  if (at < 0 || !list[at].me) return list;
  const r = list[at];
  if (r.count <= 1) return list.filter((_, i) => i !== at);
  return list.map((x, i) => i !== at ? x : { ...r, count: r.count - 1, me: false, ...(r.userIds ? { userIds: r.userIds.filter((id) => id !== myId) } : {}) });
}

/**
 * Replaces one known message by id (an optimistic edit, delete or reaction); the server's
 * message:updated, with a newer version, settles it.
 * @param {AppState} state @param {string} chatId @param {string} messageId @param {Partial<Message>} patch
 */
export function patchMessage(state, chatId, messageId, patch) {
  const entry = entryOf(state, chatId);
  if (!entry.items.some((m) => m.id === messageId)) return;
  patchEntry(state, chatId, { items: entry.items.map((m) => (m.id === messageId ? { ...m, ...patch } : m)) });
}

/** @param {AppState} state @param {string} chatId @param {string} messageId */
export function findMessage(state, chatId, messageId) {
  return entryOf(state, chatId).items.find((m) => m.id === messageId) || null;
}

/** Counts a mention of me that arrived live in a chat I am not looking at. @param {AppState} state @param {string} chatId */
export function countMention(state, chatId) {
  patchChat(state, chatId, (c) => ({ mentionCount: (c.mentionCount || 0) + 1 }));
}

/** @param {AppState} state @param {string} chatId */
export function clearMentions(state, chatId) {
  const chat = state.chats.value[chatId];
  if (chat && chat.mentionCount) patchChat(state, chatId, () => ({ mentionCount: 0 }));
}

/** A short quote of a message, for replies. @param {Message} m @returns {import('./state.js').ReplyRef} */
export function replyRefOf(m) {
  const text = (m.body || '').replace(/\s+/g, ' ').trim();
  const excerpt = m.deletedAt ? '' : text.length > 120 ? text.slice(0, 120) + '…' : text || (m.attachments && m.attachments.length ? 'Attachment' : '');
  return { id: m.id, sender: { id: m.sender.id, name: m.sender.name }, excerpt };
}

/** @param {AppState} state @param {string} chatId @param {Message} local */
export function addLocalMessage(state, chatId, local) {
  const entry = entryOf(state, chatId);
  patchEntry(state, chatId, { items: [...entry.items, local] });
}

/**
 * @param {AppState} state @param {string} chatId @param {string} clientId
 * @param {Partial<Message>} patch
 */
export function patchLocalMessage(state, chatId, clientId, patch) {
  const entry = entryOf(state, chatId);
  let found = false;
  const items = entry.items.map((m) => {
    if (m.clientId !== clientId || (m.seq != null && !m.status)) return m;
    found = true;
    return { ...m, ...patch };
  });
  if (found) patchEntry(state, chatId, { items });
}

/**
 * The server accepted an optimistic message: with a seq it takes its place in order.
 * @param {AppState} state @param {string} chatId @param {string} clientId @param {string} id @param {number|undefined} seq
 */
export function confirmLocalMessage(state, chatId, clientId, id, seq) {
  const entry = entryOf(state, chatId);
  const local = entry.items.find((m) => m.clientId === clientId && m.status);
  if (!local) return;
  if (typeof seq === 'number') {
    mergeMessages(state, chatId, [{ ...local, id, seq, status: undefined }]);
  } else {
    patchLocalMessage(state, chatId, clientId, { id, status: 'sent' });
  }
}

/**
 * A new message moves the chat preview forward; unless it counts as unread, it also moves the
 * own read watermark (own messages, messages shown in the open chat).
 * @param {AppState} state @param {Message} m @param {boolean} countUnread
 */
export function applyMessageToChat(state, m, countUnread) {
  patchChat(state, m.chatId, (c) => {
    const newer = !c.lastMessage || (c.lastMessage.seq || 0) <= (m.seq || 0);
    const lastSeq = Math.max(c.lastSeq, m.seq || 0);
    // Unread is derived from watermarks, as on the server, so a message seen twice (live and
    // again in a catch-up or a list refresh) is never counted twice.
    const readSeq = countUnread ? c.readSeq : Math.max(c.readSeq, m.seq || 0);
    return { lastMessage: newer ? m : c.lastMessage, lastSeq, readSeq, unreadCount: Math.max(0, lastSeq - readSeq) };
  });
}

/**
 * @param {AppState} state
 * @param {{chatId: string, userId: string, deliveredSeq?: number, readSeq?: number}} r
 */
export function applyReceipt(state, r) {
  patchChat(state, r.chatId, (c) => ({
    members: c.members.map((m) => m.user.id !== r.userId ? m : {
      ...m,
      deliveredSeq: Math.max(m.deliveredSeq || 0, r.deliveredSeq || 0, r.readSeq || 0),
      readSeq: Math.max(m.readSeq || 0, r.readSeq || 0),
    }),
  }));
}

/** @param {AppState} state @param {string} chatId @param {string} userId @param {boolean} isTyping */
export function setTyping(state, chatId, userId, isTyping) {
  const current = state.typing.value[chatId] || {};
  if (!isTyping && !(userId in current)) return;
  const next = { ...current };
  if (isTyping) next[userId] = Date.now() + 6000;
  else delete next[userId];
  state.typing.value = { ...state.typing.value, [chatId]: next };
}

/** @param {AppState} state */
export function pruneTyping(state) {
  const now = Date.now();
  let changed = false;
  /** @type {Record<string, Record<string, number>>} */
  const next = {};
  for (const [chatId, who] of Object.entries(state.typing.value)) {
    const kept = Object.fromEntries(Object.entries(who).filter(([, until]) => until > now));
    if (Object.keys(kept).length !== Object.keys(who).length) changed = true;
    next[chatId] = kept;
  }
  if (changed) state.typing.value = next;
}

/**
 * Delivery state of one's own message, from the other members' watermarks.
 * @param {Message} m @param {Chat} chat @param {string} myId
 * @returns {{status: 'sending'|'failed'|'sent'|'delivered'|'read', seenBy: number}}
 */
export function ownMessageStatus(m, chat, myId) {
  if (m.status === 'sending' || m.status === 'failed') return { status: m.status, seenBy: 0 };
  if (m.seq == null) return { status: 'sent', seenBy: 0 };
  const seq = m.seq;
  const others = chat.members.filter((x) => x.user.id !== myId);
  if (!others.length) return { status: 'sent', seenBy: 0 };
  const seenBy = others.filter((x) => (x.readSeq || 0) >= seq).length;
  const deliveredTo = others.filter((x) => Math.max(x.deliveredSeq || 0, x.readSeq || 0) >= seq).length;
  if (seenBy === others.length) return { status: 'read', seenBy };
  if (deliveredTo === others.length) return { status: 'delivered', seenBy };
  return { status: 'sent', seenBy };
}
