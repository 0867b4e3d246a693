import type { Knex } from 'knex';
import { forbidden, notFound } from '../errors.ts';
import type { ChatKind } from '../models/chat.ts';
import type { MemberRole } from '../models/chat-member.ts';
import type { User } from '../models/user.ts';
import { isUuid } from '../ids.ts';
import type { ActorFacts, ChatFacts } from './message-policy.ts';

export interface Membership {
  chatId: string;
  kind: ChatKind;
  role: MemberRole;
  lastSeq: number;
  /** Set when an admin archived the group: it keeps its history and refuses new messages. */
  archivedAt: Date | null;
}

/**
 * Loads a chat through the user's membership: a chat you are not in answers exactly like one
 * that does not exist.
 */
export async function requireMembership(knex: Knex, chatId: string, userId: string): Promise<Membership> {
  if (!isUuid(chatId)) throw notFound('Chat');
  const row = (await knex('chatMembers as m')
    .join('chats as c', 'c.id', 'm.chatId')
    .where({ 'm.chatId': chatId, 'm.userId': userId })
    .first('c.id as chatId', 'c.kind', 'm.role', 'c.lastSeq', 'c.archivedAt')) as Membership | undefined;
  if (!row) throw notFound('Chat');
  return row;
}

/** A loaded membership as the message policies take it. */
export function membershipFacts(membership: Membership, user: User): [ActorFacts, ChatFacts] {
  return [
    { userId: user.id, isAdmin: user.role === 'admin', membership: { role: membership.role } },
    { kind: membership.kind, archived: membership.archivedAt !== null },
  ];
}

/** Renaming and adding or removing others: group owners and organisation admins. */
export function authorizeManageGroup(membership: Membership, user: User): void {
  if (membership.kind !== 'group') throw forbidden('Direct chats have no settings to change.');
  if (membership.role !== 'owner' && user.role !== 'admin') throw forbidden('Only the group owner can do that.');
}

/** Removing a member: managers may remove anyone; anyone may remove themself (leave a group). */
export function authorizeRemoveMember(membership: Membership, user: User, targetUserId: string): void {
  if (membership.kind !== 'group') throw forbidden('You cannot leave a direct chat.');
  if (targetUserId === user.id) return;
  authorizeManageGroup(membership, user);
}
