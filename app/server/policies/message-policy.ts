import type { ChatKind } from '../models/chat.ts';
import type { MemberRole } from '../models/chat-member.ts';
import { ARCHIVED_MESSAGE } from '../pipeline/log-record.ts';
import { allow, hidden, refuse, type Decision } from './authorize.ts';

/** The actor as policies see them: their organisation role and their membership of the chat. */
export interface ActorFacts {
  userId: string;
  isAdmin: boolean;
  /** null when not a member: every action then answers like a chat that does not exist. */
  membership: { role: MemberRole } | null;
}

export interface ChatFacts {
  kind: ChatKind;
  archived: boolean;
}

export interface MessageFacts {
  senderId: string | null;
  kind: 'text' | 'media' | 'system';
  createdAt: Date;
  deletedAt: Date | null;
}

/** Reading a chat's messages: members only. */
export function canRead(actor: ActorFacts): Decision {
  return actor.membership ? allow : hidden('Chat');
}

/** Sending: members of a chat that is not archived. */
export function canSend(actor: ActorFacts, chat: ChatFacts): Decision {
  if (!actor.membership) return hidden('Chat');
  if (chat.archived) return refuse('forbidden', ARCHIVED_MESSAGE);
  return allow;
}

/** Editing: the author, within the admin's edit window (null: no limit). */
export function canEdit(actor: ActorFacts, chat: ChatFacts, message: MessageFacts, editWindowMinutes: number | null, now: Date): Decision {
  const sending = canSend(actor, chat);
  if (!sending.ok) return sending;
  if (message.deletedAt) return hidden('Message');
  if (message.kind === 'system' || message.senderId !== actor.userId) return refuse('forbidden', 'Only the author can edit a message.');
  if (editWindowMinutes !== null && now.getTime() - message.createdAt.getTime() > editWindowMinutes * 60_000) {
    return refuse('forbidden', `Messages can be edited for ${editWindowMinutes} minutes.`);
  }
  return allow;
}

/** Deleting: the author within the edit window; in groups, the owners and organisation admins at any time. */
export function canDelete(actor: ActorFacts, chat: ChatFacts, message: MessageFacts, editWindowMinutes: number | null, now: Date): Decision {
  const sending = canSend(actor, chat);
  if (!sending.ok) return sending;
  const moderator = chat.kind === 'group' && (actor.membership!.role === 'owner' || actor.isAdmin);
  if (moderator) return allow;
  if (message.kind === 'system' || message.senderId !== actor.userId) return refuse('forbidden', 'Only the author or a group owner can delete a message.');
  if (editWindowMinutes !== null && now.getTime() - message.createdAt.getTime() > editWindowMinutes * 60_000) {
    return refuse('forbidden', `Messages can be deleted for ${editWindowMinutes} minutes.`);
  }
  return allow;
}

/** Reacting: any member, to a message that is not deleted. */
export function canReact(actor: ActorFacts, chat: ChatFacts, message: MessageFacts): Decision {
  const sending = canSend(actor, chat);
  if (!sending.ok) return sending;
  if (message.deletedAt) return hidden('Message');
  return allow;
}

/** @all / @here reach everyone in a group: its owners and organisation admins only. */
export function canMentionAll(actor: ActorFacts, chat: ChatFacts): Decision {
  if (chat.kind !== 'group') return refuse('forbidden', '@all and @here are for groups.');
  if (actor.membership?.role !== 'owner' && !actor.isAdmin) return refuse('forbidden', 'Only group owners can mention everyone.');
  return allow;
}
