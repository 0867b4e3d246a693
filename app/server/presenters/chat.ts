import type { ChatKind } from '../models/chat.ts';
import type { MemberRole } from '../models/chat-member.ts';
import { presentMessage, type MessageRecord, type PresentedAttachment, type PresentedMessage } from './message.ts';
import { presentUser, type PresentedUser, type UserFields } from './user.ts';

export interface ChatView {
  id: string;
  kind: ChatKind;
  name: string | null;
  lastSeq: number;
  /** Set while an admin has archived the group: it refuses new messages. */
  archivedAt: Date | null;
  createdAt: Date;
  /** The first members, up to EMBEDDED_MEMBERS_LIMIT (queries/chat-views.ts). */
  members: { user: UserFields; role: MemberRole; deliveredSeq: number; readSeq: number; muted: boolean; archived: boolean }[];
  /** The rows of the members this view is presented to, also when beyond the embedded ones. */
  viewers: Map<string, ChatView['members'][number]>;
  memberCount: number;
  lastMessage: MessageRecord | null;
  /** Unread mentions by member id (members without any are absent). */
  mentionCounts?: Map<string, number>;
  lastMessageAttachments?: PresentedAttachment[];
}

export interface PresentedChat {
  id: string;
  kind: ChatKind;
  name: string;
  members: { user: PresentedUser; role: MemberRole; deliveredSeq: number; readSeq: number }[];
  memberCount: number;
  lastSeq: number;
  lastMessage: PresentedMessage | null;
  readSeq: number;
  deliveredSeq: number;
  unreadCount: number;
  /** Unread messages that mention the viewer (or everyone): the chat list's mention badge. */
  mentionCount: number;
  muted: boolean;
  archived: boolean;
  groupArchivedAt: string | null;
  createdAt: string;
}

/** A chat as one member sees it: a direct chat is named after the other person. */
export function presentChat(chat: ChatView, viewerId: string): PresentedChat {
  const me = chat.viewers.get(viewerId) ?? chat.members.find((member) => member.user.id === viewerId);
  const other = chat.members.find((member) => member.user.id !== viewerId);
  const readSeq = Math.min(me?.readSeq ?? 0, chat.lastSeq);
  return {
    id: chat.id,
    kind: chat.kind,
    name: chat.kind === 'direct' ? (other?.user.name ?? me?.user.name ?? 'Direct chat') : (chat.name ?? 'Group'),
    members: chat.members.map((member) => ({
      user: presentUser(member.user),
      role: member.role,
      deliveredSeq: member.deliveredSeq,
      readSeq: member.readSeq,
    })),
    memberCount: chat.memberCount,
    lastSeq: chat.lastSeq,
    lastMessage: chat.lastMessage ? presentMessage(chat.lastMessage, chat.lastMessageAttachments) : null,
    readSeq,
    deliveredSeq: me?.deliveredSeq ?? 0,
    unreadCount: Math.max(0, chat.lastSeq - readSeq),
    mentionCount: chat.mentionCounts?.get(viewerId) ?? 0,
    muted: me?.muted ?? false,
    archived: me?.archived ?? false,
    groupArchivedAt: chat.archivedAt?.toISOString() ?? null,
    createdAt: chat.createdAt.toISOString(),
  };
}
