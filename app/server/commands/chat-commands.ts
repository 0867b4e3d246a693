import type { Knex } from 'knex';
import { invalidInput, notFound } from '../errors.ts';
import type { User } from '../models/user.ts';
import { authorizeManageGroup, authorizeRemoveMember, requireMembership } from '../policies/chat-policy.ts';
import type { Services } from '../services.ts';
import { announceChat } from './chat-events.ts';
import { appendSystemMessage } from './system-message.ts';

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
  await requireActiveUsers(services.knex, [otherUserId]);
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

export async function createGroup(services: Services, me: User, name: string, memberIds: string[]) {
  const others = [...new Set(memberIds)].filter((id) => id !== me.id);
  if (others.length + 1 > MAX_GROUP_MEMBERS) throw invalidInput(`memberIds: a group has at most ${MAX_GROUP_MEMBERS} members`);
  await requireActiveUsers(services.knex, others);
  const chatId = await services.knex.transaction(async (trx) => {
    const [chat] = (await trx('chats').insert({ kind: 'group', name, createdBy: me.id }).returning('id')) as { id: string }[];
    await trx('chatMembers').insert([
      { chatId: chat!.id, userId: me.id, role: 'owner' },
      ...others.map((userId) => ({ chatId: chat!.id, userId, role: 'member' })),
    ]);
    return chat!.id;
  });
  const everyone = [me.id, ...others];
  services.bus.joinChat(everyone, chatId);
  await announceChat(services, chatId, 'chat:created', everyone);
  return chatId;
}

export async function renameGroup(services: Services, me: User, chatId: string, name: string) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeManageGroup(membership, me);
  await services.knex('chats').where({ id: chatId }).update({ name, updatedAt: new Date() });
  await appendSystemMessage(services, chatId, me.id, `${me.name} renamed the group to "${name}"`);
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}

export async function addMembers(services: Services, me: User, chatId: string, userIds: string[]) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeManageGroup(membership, me);
  const users = await requireActiveUsers(services.knex, userIds);
  const inserted = (await services.knex('chatMembers')
    .insert(users.map((u) => ({ chatId, userId: u.id, role: 'member' })))
    .onConflict(['chatId', 'userId'])
    .ignore()
    .returning('userId')) as { userId: string }[];
  const added = inserted.map((row) => row.userId);
  if (added.length === 0) return;
  services.bus.joinChat(added, chatId);
  const names = users.filter((u) => added.includes(u.id)).map((u) => u.name);
  await appendSystemMessage(services, chatId, me.id, `${me.name} added ${names.join(', ')}`);
  await announceChat(services, chatId, 'chat:created', added);
  await announceChat(services, chatId, 'chat:updated', (await memberIdsOf(services.knex, chatId)).filter((id) => !added.includes(id)));
}

export async function removeMember(services: Services, me: User, chatId: string, userId: string) {
  const membership = await requireMembership(services.knex, chatId, me.id);
  authorizeRemoveMember(membership, me, userId);
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
    return target;
  });
  if (!removed) throw notFound('Member');
  services.bus.leaveChat([userId], chatId);
  services.bus.toUser(userId, 'chat:removed', { chatId });
  const body = userId === me.id ? `${me.name} left` : `${me.name} removed ${removed.name}`;
  await appendSystemMessage(services, chatId, me.id, body);
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}

async function memberIdsOf(knex: Knex, chatId: string): Promise<string[]> {
  const rows = (await knex('chatMembers').where({ chatId }).select('userId')) as { userId: string }[];
  return rows.map((row) => row.userId);
}
