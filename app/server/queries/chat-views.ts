import type { Knex } from 'knex';
import type { ChatView } from '../presenters/chat.ts';
import type { MessageRecord } from '../presenters/message.ts';
import type { UserFields } from '../presenters/user.ts';
import { MESSAGE_COLUMNS } from './message-history.ts';
import { mentionCounts } from './mention-counts.ts';

interface ChatRow {
  id: string;
  kind: ChatView['kind'];
  name: string | null;
  lastSeq: number;
  lastMessageId: string | null;
  createdAt: Date;
}

interface MemberRow extends UserFields {
  chatId: string;
  memberRole: ChatView['members'][number]['role'];
  deliveredSeq: number;
  readSeq: number;
  muted: boolean;
  archived: boolean;
}

/** Everything needed to present chats: three queries whatever the number of chats. */
async function assembleViews(knex: Knex, chats: ChatRow[], viewerId?: string): Promise<ChatView[]> {
  if (chats.length === 0) return [];
  const chatIds = chats.map((chat) => chat.id);
  const lastMessageIds = chats.map((chat) => chat.lastMessageId).filter((id): id is string => id !== null);
  const [members, lastMessages] = await Promise.all([
    knex('chatMembers as m')
      .join('users as u', 'u.id', 'm.userId')
      .whereIn('m.chatId', chatIds)
      .orderBy([{ column: 'm.joinedAt' }, { column: 'u.name' }])
      .select<MemberRow[]>('m.chatId', 'm.role as memberRole', 'm.deliveredSeq', 'm.readSeq', 'm.muted', 'm.archived',
        'u.id', 'u.email', 'u.name', 'u.avatarUrl', 'u.role', 'u.status'),
    lastMessageIds.length
      ? knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').whereIn('m.id', lastMessageIds).select<MessageRecord[]>(MESSAGE_COLUMNS)
      : Promise.resolve([] as MessageRecord[]),
  ]);
  const membersByChat = new Map<string, ChatView['members']>();
  for (const row of members) {
    const list = membersByChat.get(row.chatId) ?? [];
    list.push({
      user: { id: row.id, email: row.email, name: row.name, avatarUrl: row.avatarUrl, role: row.role, status: row.status },
      role: row.memberRole,
      deliveredSeq: row.deliveredSeq,
      readSeq: row.readSeq,
      muted: row.muted,
      archived: row.archived,
    });
    membersByChat.set(row.chatId, list);
  }
  const messagesById = new Map(lastMessages.map((message) => [message.id, message]));
  const mentions = await mentionCounts(knex, chatIds, viewerId);
  return chats.map((chat) => ({
    id: chat.id,
    kind: chat.kind,
    name: chat.name,
    lastSeq: chat.lastSeq,
    createdAt: chat.createdAt,
    members: membersByChat.get(chat.id) ?? [],
    lastMessage: chat.lastMessageId ? (messagesById.get(chat.lastMessageId) ?? null) : null,
    mentionCounts: mentions.get(chat.id) ?? new Map(),
  }));
}

const CHAT_COLUMNS = ['c.id', 'c.kind', 'c.name', 'c.lastSeq', 'c.lastMessageId', 'c.createdAt'];

/** The user's chats, most recent activity first. */
export async function listChatViews(knex: Knex, userId: string): Promise<ChatView[]> {
  const chats = await knex('chatMembers as m')
    .join('chats as c', 'c.id', 'm.chatId')
    .where('m.userId', userId)
    .orderByRaw('coalesce(c.last_message_at, c.created_at) desc')
    .select<ChatRow[]>(CHAT_COLUMNS);
  return assembleViews(knex, chats, userId);
}

/** One chat, without any membership check: callers authorize first. */
export async function loadChatView(knex: Knex, chatId: string): Promise<ChatView | null> {
  const chats = await knex('chats as c').where('c.id', chatId).select<ChatRow[]>(CHAT_COLUMNS);
  const [view] = await assembleViews(knex, chats);
  return view ?? null;
}
