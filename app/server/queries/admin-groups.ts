import type { Knex } from 'knex';

/** One group as the admin console lists it. */
export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
  owner: { id: string; name: string } | null;
  lastMessageAt: string | null;
  archivedAt: string | null;
  createdAt: string;
}

interface GroupRow {
  id: string;
  name: string | null;
  memberCount: number;
  ownerId: string | null;
  ownerName: string | null;
  lastMessageAt: Date | null;
  archivedAt: Date | null;
  createdAt: Date;
}

/** Groups with their member counts in one query, ordered by (lower(name), id) for keyset pages. */
export function groupSummaries(knex: Knex) {
  return knex('chats as c')
    .leftJoin('chatMembers as m', 'm.chatId', 'c.id')
    .where('c.kind', 'group')
    .groupBy('c.id')
    .orderByRaw('lower(c.name), c.id')
    .select<GroupRow[]>(
      'c.id',
      'c.name',
      'c.lastMessageAt',
      'c.archivedAt',
      'c.createdAt',
      knex.raw('count(m.user_id)::int as member_count'),
      // The longest-standing owner: the one the console shows and changes.
      knex.raw(`(array_agg(m.user_id ORDER BY m.joined_at) FILTER (WHERE m.role = 'owner'))[1] as owner_id`),
      knex.raw(`(SELECT u.name FROM chat_members o JOIN users u ON u.id = o.user_id WHERE o.chat_id = c.id AND o.role = 'owner' ORDER BY o.joined_at LIMIT 1) as owner_name`),
    );
}

export function presentGroupSummary(row: GroupRow): GroupSummary {
  return {
    id: row.id,
    name: row.name ?? '',
    memberCount: Number(row.memberCount),
    owner: row.ownerId ? { id: row.ownerId, name: row.ownerName ?? '' } : null,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function loadGroupSummary(knex: Knex, chatId: string): Promise<GroupSummary | null> {
  const [row] = await groupSummaries(knex).where('c.id', chatId);
  return row ? presentGroupSummary(row) : null;
}

/** One group with its members and message count, for the console's group dialog and delete confirmation. */
export async function loadGroupDetail(knex: Knex, chatId: string) {
  const group = await loadGroupSummary(knex, chatId);
  if (!group) return null;
  const [members, counted] = await Promise.all([
    knex('chatMembers as m')
      .join('users as u', 'u.id', 'm.userId')
      .where('m.chatId', chatId)
      .orderByRaw('lower(u.name), u.id')
      .select<{ id: string; name: string; email: string; role: 'owner' | 'member' }[]>('u.id', 'u.name', 'u.email', 'm.role'),
    knex('messages').where({ chatId }).whereNot('kind', 'system').count<{ count: string }[]>('* as count'),
  ]);
  return { group, members, messageCount: Number(counted[0]!.count) };
}
