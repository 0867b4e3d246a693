import type { Knex } from 'knex';
import type { ChatView } from '../presenters/chat.ts';
import type { MessageRecord } from '../presenters/message.ts';
import type { UserFields } from '../presenters/user.ts';
import { attachmentsByMessage } from './message-attachments.ts';
import { MESSAGE_COLUMNS } from './message-history.ts';
import { mentionCounts } from './mention-counts.ts';

interface ChatRow {
  id: string;
  kind: ChatView['kind'];
  name: string | null;
  lastSeq: number;
  lastMessageId: string | null;
  archivedAt: Date | null;
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

/**
 * How many members a chat payload embeds. Direct chats and groups up to this size carry every
 * member; larger groups carry the first ones (by joining) and `memberCount`, and the full list is
 * paged from GET /api/chats/:id/members, so a big group does not weigh on every chat event.
 */
export const EMBEDDED_MEMBERS_LIMIT = 100;

type MemberView = ChatView['members'][number];

const toMember = (row: MemberRow): MemberView => ({
  user: { id: row.id, email: row.email, name: row.name, avatarUrl: row.avatarUrl, role: row.role, status: row.status },
  role: row.memberRole,
  deliveredSeq: row.deliveredSeq,
  readSeq: row.readSeq,
  muted: row.muted,
  archived: row.archived,
});

/**
 * Everything needed to present chats: three queries whatever the number of chats. Each chat's
 * first members up to the cap, plus the rows of the viewers asked for (their own watermarks and
 * settings), wherever they stand in the list.
 */
async function assembleViews(knex: Knex, chats: ChatRow[], viewerIds: string[]): Promise<ChatView[]> {
  if (chats.length === 0) return [];
  const chatIds = chats.map((chat) => chat.id);
  const lastMessageIds = chats.map((chat) => chat.lastMessageId).filter((id): id is string => id !== null);
  const [members, lastMessages, lastAttachments] = await Promise.all([
    knex
      .select<(MemberRow & { position: number; memberCount: number })[]>('*')
      .from(
        knex('chatMembers as m')
          .join('users as u', 'u.id', 'm.userId')
          .whereIn('m.chatId', chatIds)
          .select('m.chatId', 'm.role as memberRole', 'm.deliveredSeq', 'm.readSeq', 'm.muted', 'm.archived',
            'u.id', 'u.email', 'u.name', 'u.avatarUrl', 'u.role', 'u.status',
            knex.raw('row_number() OVER (PARTITION BY m.chat_id ORDER BY m.joined_at, u.name, u.id)::int AS position'),
            knex.raw('count(*) OVER (PARTITION BY m.chat_id)::int AS member_count'))
          .as('ranked'),
      )
      .where((q) => q.where('position', '<=', EMBEDDED_MEMBERS_LIMIT).orWhereIn('id', viewerIds))
      .orderBy(['chatId', 'position']),
    lastMessageIds.length
      ? knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').whereIn('m.id', lastMessageIds).select<MessageRecord[]>(MESSAGE_COLUMNS)
      : Promise.resolve([] as MessageRecord[]),
    // The chat list's preview of a message without text ("Photo", a file name) needs them.
    attachmentsByMessage(knex, lastMessageIds),
  ]);
  const byChat = new Map<string, Pick<ChatView, 'members' | 'viewers' | 'memberCount'>>();
  const viewers = new Set(viewerIds);
  for (const row of members) {
    const entry = byChat.get(row.chatId) ?? { members: [] as MemberView[], viewers: new Map<string, MemberView>(), memberCount: row.memberCount };
    const member = toMember(row);
    if (row.position <= EMBEDDED_MEMBERS_LIMIT) entry.members.push(member);
    if (viewers.has(row.id)) entry.viewers.set(row.id, member);
    byChat.set(row.chatId, entry);
  }
  const messagesById = new Map(lastMessages.map((message) => [message.id, message]));
  // One viewer (a chat list): count their mentions only; several (a chat event): everyone's.
  const mentions = await mentionCounts(knex, chatIds, viewerIds.length === 1 ? viewerIds[0] : undefined);
  return chats.map((chat) => ({
    id: chat.id,
    kind: chat.kind,
    name: chat.name,
    lastSeq: chat.lastSeq,
    archivedAt: chat.archivedAt,
    createdAt: chat.createdAt,
    ...(byChat.get(chat.id) ?? { members: [], viewers: new Map(), memberCount: 0 }),
    lastMessage: chat.lastMessageId ? (messagesById.get(chat.lastMessageId) ?? null) : null,
    mentionCounts: mentions.get(chat.id) ?? new Map(),
    lastMessageAttachments: chat.lastMessageId ? (lastAttachments.get(chat.lastMessageId) ?? []) : [],
  }));
}

const CHAT_COLUMNS = ['c.id', 'c.kind', 'c.name', 'c.lastSeq', 'c.lastMessageId', 'c.archivedAt', 'c.createdAt'];

/** The user's chats, most recent activity first. */
export async function listChatViews(knex: Knex, userId: string): Promise<ChatView[]> {
  const chats = await knex('chatMembers as m')
    .join('chats as c', 'c.id', 'm.chatId')
    .where('m.userId', userId)
    .orderByRaw('coalesce(c.last_message_at, c.created_at) desc')
    .select<ChatRow[]>(CHAT_COLUMNS);
  return assembleViews(knex, chats, [userId]);
}

/**
 * One chat, without any membership check: callers authorize first. `viewerIds` are the members it
 * will be presented to (their own rows are loaded even beyond the embedded members).
 */
export async function loadChatView(knex: Knex, chatId: string, viewerIds: string[] = []): Promise<ChatView | null> {
  const chats = await knex('chats as c').where('c.id', chatId).select<ChatRow[]>(CHAT_COLUMNS);
  const [view] = await assembleViews(knex, chats, viewerIds);
  return view ?? null;
}
