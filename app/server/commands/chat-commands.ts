import type { Knex } from 'knex';
import { conflict, invalidInput, notFound } from '../errors.ts';
import type { User } from '../models/user.ts';
import { authorizeManageGroup, authorizeRemoveMember, requireMembership } from '../policies/chat-policy.ts';
import type { Services } from '../services.ts';
import { audit } from './audit.ts';
import { announceChat } from './chat-events.ts';
import { appendNotice } from './system-message.ts';
import { requireReachableUser } from './user-commands.ts';

export const MAX_GROUP_MEMBERS = 1000;

async function requireActiveUsers(knex: Knex, userIds: string[]) {
  const unique = [...new Set(userIds)];
  const found = await knex('users').whereIn('id', unique).where({ status: 'active' }).select<{ id: string; name: string }[]>('id', 'name');
  if (found.length !== unique.length) throw notFound('User');
  return found;
}

/** The one direct chat of a pair; concurrent requests meet on the unique direct_key. */
export async function openDirectChat(services: Services, me: User, otherUserId: string) {
  if (otherUserId === me.id) throw invalidInput('userId: you cannot start a direct chat with yourself');
  await requireReachableUser(services.knex, otherUserId);
  const directKey = [me.id, otherUserId].sort().join(':');
  const created = await services.knex.transaction(async (trx) => {
    const [chat] = (await trx('chats')
      .insert({ kind: 'direct', directKey, createdBy: me.id })
      .onConflict('directKey')
      .ignore()
      .returning('id')) as { id: string }[];
    if (!chat) return null;
    await trx('chatMembers').insert([
      { chatId: chat.id, userId: me.id, role: 'member' },
      { chatId: chat.id, userId: otherUserId, role: 'member' },
    ]);
    return chat.id;
  });
  if (created) {
    services.bus.joinChat([me.id, otherUserId], created);
    await announceChat(services, created, 'chat:created', [me.id, otherUserId]);
    return { chatId: created, created: true };
  }
  const existing = (await services.knex('chats').where({ directKey }).first('id')) as { id: string };
  return { chatId: existing.id, created: false };
}

/** A member creating a group is its owner. */
export async function createGroup(services: Services, me: User, name: string, memberIds: string[]) {
  return insertGroup(services, me, { name, ownerId: me.id, memberIds });
}

/**
 * An admin acting from the console: the change is written to the audit log in the same
 * transaction, and the admin needs no membership (callers check that the group exists).
 */
export interface AuditedBy {
  ip?: string;
}

/** The owner and members (all active) in one transaction; each of them hears chat:created. */
export async function insertGroup(services: Services, actor: User, group: { name: string; ownerId: string; memberIds: string[] }, audited?: AuditedBy) {
  const others = [...new Set(group.memberIds)].filter((id) => id !== group.ownerId);
  if (others.length + 1 > MAX_GROUP_MEMBERS) throw invalidInput(`memberIds: a group has at most ${MAX_GROUP_MEMBERS} members`);
  await requireActiveUsers(services.knex, [group.ownerId, ...others]);
  const chatId = await services.knex.transaction(async (trx) => {
    const [chat] = (await trx('chats').insert({ kind: 'group', name: group.name, createdBy: actor.id }).returning('id')) as { id: string }[];
    await trx('chatMembers').insert([
      { chatId: chat!.id, userId: group.ownerId, role: 'owner' },
      ...others.map((userId) => ({ chatId: chat!.id, userId, role: 'member' })),
    ]);
    if (audited) {
      const details = { name: group.name, ownerId: group.ownerId, memberIds: others };
      await audit(trx, { actorId: actor.id, action: 'group.create', targetType: 'chat', targetId: chat!.id, details, ip: audited.ip });
    }
    return chat!.id;
  });
  const everyone = [group.ownerId, ...others];
  services.bus.joinChat(everyone, chatId);
  await announceChat(services, chatId, 'chat:created', everyone);
  return chatId;
}

// Owners' and members' own changes are audited like an admin's, so the log tells the whole story.
export async function renameGroup(services: Services, me: User, chatId: string, name: string, ip?: string) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeManageGroup(membership, me);
  await changeGroupName(services, me, chatId, name, { ip });
}

/** Renames an existing group (authorized by the caller), with a system notice and chat:updated. */
export async function changeGroupName(services: Services, actor: User, chatId: string, name: string, audited?: AuditedBy) {
  await services.knex.transaction(async (trx) => {
    await trx('chats').where({ id: chatId }).update({ name, updatedAt: new Date() });
    if (audited) await audit(trx, { actorId: actor.id, action: 'group.rename', targetType: 'chat', targetId: chatId, details: { name }, ip: audited.ip });
  });
  await appendNotice(services, chatId, actor.id, { type: 'chat.renamed', name, body: `${actor.name} renamed the group to "${name}"` });
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}

export async function addMembers(services: Services, me: User, chatId: string, userIds: string[], ip?: string) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeManageGroup(membership, me);
  await addGroupMembers(services, me, chatId, userIds, { ip });
}

/** Adds active users to an existing group (authorized by the caller); those already in are skipped. */
export async function addGroupMembers(services: Services, actor: User, chatId: string, userIds: string[], audited?: AuditedBy) {
  const users = await requireActiveUsers(services.knex, userIds);
  const added = await services.knex.transaction(async (trx) => {
    await requireRoomFor(trx, chatId, users.map((u) => u.id));
    const inserted = (await trx('chatMembers')
      .insert(users.map((u) => ({ chatId, userId: u.id, role: 'member' })))
      .onConflict(['chatId', 'userId'])
      .ignore()
      .returning('userId')) as { userId: string }[];
    const ids = inserted.map((row) => row.userId);
    if (audited && ids.length > 0) {
      await audit(trx, { actorId: actor.id, action: 'group.members.add', targetType: 'chat', targetId: chatId, details: { userIds: ids }, ip: audited.ip });
    }
    return ids;
  });
  if (added.length === 0) return;
  services.bus.joinChat(added, chatId);
  const names = users.filter((u) => added.includes(u.id)).map((u) => u.name);
  await appendNotice(services, chatId, actor.id, { type: 'member.added', userIds: added, body: `${actor.name} added ${names.join(', ')}` });
  await announceChat(services, chatId, 'chat:created', added);
  await announceChat(services, chatId, 'chat:updated', (await memberIdsOf(services.knex, chatId)).filter((id) => !added.includes(id)));
}

/**
 * The size cap holds for additions as it does at creation. The chat's row lock serializes
 * concurrent additions, so two requests cannot each fit and together overflow it.
 */
async function requireRoomFor(trx: Knex.Transaction, chatId: string, userIds: string[]) {
  await trx('chats').where({ id: chatId }).forUpdate().first('id');
  const counted = await trx.raw<{ rows: { total: number; already: number }[] }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE user_id = ANY(?::uuid[]))::int AS already FROM chat_members WHERE chat_id = ?`,
    [userIds, chatId],
  );
  const { total, already } = counted.rows[0]!;
  if (total + userIds.length - already > MAX_GROUP_MEMBERS) {
    throw conflict('group_full', `A group has at most ${MAX_GROUP_MEMBERS} members; this one has ${total}, so at most ${MAX_GROUP_MEMBERS - total} more can join.`);
  }
}

export async function removeMember(services: Services, me: User, chatId: string, userId: string, ip?: string) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeRemoveMember(membership, me, userId);
  await removeGroupMember(services, me, chatId, userId, { ip });
}

/** Removes one member of an existing group (authorized by the caller); 404 when not a member. */
export async function removeGroupMember(services: Services, actor: User, chatId: string, userId: string, audited?: AuditedBy) {
  const removed = await services.knex.transaction(async (trx) => {
    const target = (await trx('chatMembers as m').join('users as u', 'u.id', 'm.userId').where({ 'm.chatId': chatId, 'm.userId': userId }).first('u.name', 'm.role')) as
      | { name: string; role: string }
      | undefined;
    if (!target) return null;
    await trx('chatMembers').where({ chatId, userId }).delete();
    // A group keeps an owner: when the last one leaves, the longest-standing member takes over.
    if (target.role === 'owner') {
      const owners = await trx('chatMembers').where({ chatId, role: 'owner' }).count<{ count: number }[]>('* as count');
      if (Number(owners[0]!.count) === 0) {
        const heir = (await trx('chatMembers').where({ chatId }).orderBy('joinedAt').first('userId')) as { userId: string } | undefined;
        if (heir) await trx('chatMembers').where({ chatId, userId: heir.userId }).update({ role: 'owner' });
      }
    }
    if (audited) await audit(trx, { actorId: actor.id, action: 'group.members.remove', targetType: 'chat', targetId: chatId, details: { userId }, ip: audited.ip });
    return target;
  });
  if (!removed) throw notFound('Member');
  services.bus.leaveChat([userId], chatId);
  services.bus.toUser(userId, 'chat:removed', { chatId });
  const body = userId === actor.id ? `${actor.name} left` : `${actor.name} removed ${removed.name}`;
  await appendNotice(services, chatId, actor.id, { type: 'member.removed', userIds: [userId], body });
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}

/** Who is in a chat now: the audience of chat:updated, and of chat:removed when a group is deleted. */
export async function memberIdsOf(knex: Knex, chatId: string): Promise<string[]> {
  const rows = (await knex('chatMembers').where({ chatId }).select('userId')) as { userId: string }[];
  return rows.map((row) => row.userId);
}
