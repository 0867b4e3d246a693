import type { Knex } from 'knex';
import { notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import type { User } from '../models/user.ts';
import type { Services } from '../services.ts';
import { audit } from './audit.ts';
import { announceChat } from './chat-events.ts';
import { memberIdsOf } from './chat-commands.ts';
import { appendNotice } from './system-message.ts';

/** The admin console works on groups only: a direct chat answers like one that does not exist. */
export async function requireGroup(knex: Knex, chatId: string): Promise<{ id: string; archivedAt: Date | null }> {
  if (!isUuid(chatId)) throw notFound('Group');
  const row = (await knex('chats').where({ id: chatId, kind: 'group' }).first('id', 'archivedAt')) as { id: string; archivedAt: Date | null } | undefined;
  if (!row) throw notFound('Group');
  return row;
}

/**
 * Archives (or reopens) a group: it keeps members and history, and the writer refuses new messages
 * while archived_at is set. Setting the current state again changes nothing and records nothing.
 */
export async function setGroupArchived(services: Services, admin: User, chatId: string, archived: boolean, ip?: string) {
  const changed = await services.knex.transaction(async (trx) => {
    const rows = (await trx('chats')
      .where({ id: chatId, kind: 'group' })
      .modify((q) => (archived ? q.whereNull('archivedAt') : q.whereNotNull('archivedAt')))
      .update({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
      .returning('id')) as { id: string }[];
    if (rows.length === 0) return false;
    await audit(trx, { actorId: admin.id, action: archived ? 'group.archive' : 'group.unarchive', targetType: 'chat', targetId: chatId, ip });
    return true;
  });
  if (!changed) return;
  const body = archived ? `${admin.name} archived the group` : `${admin.name} reopened the group`;
  await appendNotice(services, chatId, admin.id, { type: 'chat.archived', archived, body });
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}

/** Deletes a group with its messages and memberships; every member hears chat:removed. */
export async function deleteGroup(services: Services, admin: User, chatId: string, ip?: string) {
  const memberIds = await services.knex.transaction(async (trx) => {
    // Locks the row as the writer does, so a batch in flight commits first or finds no chat.
    const chat = (await trx('chats').where({ id: chatId, kind: 'group' }).forUpdate().first('id', 'name')) as { id: string; name: string | null } | undefined;
    if (!chat) throw notFound('Group');
    const members = await memberIdsOf(trx, chatId);
    await trx('chats').where({ id: chatId }).delete();
    await audit(trx, { actorId: admin.id, action: 'group.delete', targetType: 'chat', targetId: chatId, details: { name: chat.name, memberCount: members.length }, ip });
    return members;
  });
  services.bus.leaveChat(memberIds, chatId);
  for (const userId of memberIds) services.bus.toUser(userId, 'chat:removed', { chatId });
}

/** Makes a member the group's only owner (the previous owners stay as members); members hear chat:updated. */
export async function changeGroupOwner(services: Services, admin: User, chatId: string, ownerId: string, ip?: string) {
  const owner = await services.knex.transaction(async (trx) => {
    const target = (await trx('chatMembers as m').join('users as u', 'u.id', 'm.userId').where({ 'm.chatId': chatId, 'm.userId': ownerId }).forUpdate().first('u.name', 'm.role')) as
      | { name: string; role: string }
      | undefined;
    if (!target) throw notFound('Member');
    if (target.role === 'owner') {
      const others = await trx('chatMembers').where({ chatId, role: 'owner' }).whereNot({ userId: ownerId }).update({ role: 'member' });
      if (others === 0) return null;
    } else {
      await trx('chatMembers').where({ chatId, role: 'owner' }).update({ role: 'member' });
      await trx('chatMembers').where({ chatId, userId: ownerId }).update({ role: 'owner' });
    }
    await audit(trx, { actorId: admin.id, action: 'group.owner', targetType: 'chat', targetId: chatId, details: { ownerId }, ip });
    return target;
  });
  if (!owner) return;
  await announceChat(services, chatId, 'chat:updated', await memberIdsOf(services.knex, chatId));
}
