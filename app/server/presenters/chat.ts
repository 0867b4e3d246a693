import type { ChatKind } from '../models/chat.ts';
import type { MemberRole } from '../models/chat-member.ts';
import { presentMessage, type MessageRecord, type PresentedMessage } from './message.ts';
import { presentUser, type PresentedUser, type UserFields } from './user.ts';

export interface ChatView {
  id: string;
  kind: ChatKind;
  name: string | null;
  lastSeq: number;
  createdAt: Date;
  members: { user: UserFields; role: MemberRole; deliveredSeq: number; readSeq: number; muted: boolean; archived: boolean }[];
  lastMessage: MessageRecord | null;
  /** Unread mentions by member id (members without any are absent). */
  mentionCounts?: Map<string, number>;
}

export interface PresentedChat {
  id: string;
  kind: ChatKind;
  name: string;
  members: { user: PresentedUser; role: MemberRole; deliveredSeq: number; readSeq: number }[];
  lastSeq: number;
  lastMessage: PresentedMessage | null;
  readSeq: number;
  deliveredSeq: number;
  unreadCount: number;
  /** Unread messages that mention the viewer (or everyone): the chat list's mention badge. */
  mentionCount: number;
  muted: boolean;
  archived: boolean;
  createdAt: string;
}

/** A chat as one member sees it: a direct chat is named after the other person. */
export function presentChat(chat: ChatView, viewerId: string): PresentedChat {
  const me = chat.members.find((member) => member.user.id === viewerId);
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
    lastSeq: chat.lastSeq,
    lastMessage: chat.lastMessage ? presentMessage(chat.lastMessage) : null,
    readSeq,
    deliveredSeq: me?.deliveredSeq ?? 0,
    unreadCount: Math.max(0, chat.lastSeq - readSeq),
    mentionCount: chat.mentionCounts?.get(viewerId) ?? 0,
    muted: me?.muted ?? false,
    archived: me?.archived ?? false,
    createdAt: chat.createdAt.toISOString(),
  };
}
