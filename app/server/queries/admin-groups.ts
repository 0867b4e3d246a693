import type { Knex } from 'knex';

/** One group as the admin console lists it. */
export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
  lastMessageAt: string | null;
  archivedAt: string | null;
  createdAt: string;
}

interface GroupRow {
  id: string;
  name: string | null;
  memberCount: number;
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
    .select<GroupRow[]>('c.id', 'c.name', 'c.lastMessageAt', 'c.archivedAt', 'c.createdAt', knex.raw('count(m.user_id)::int as member_count'));
}

export function presentGroupSummary(row: GroupRow): GroupSummary {
  return {
    id: row.id,
    name: row.name ?? '',
    memberCount: Number(row.memberCount),
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function loadGroupSummary(knex: Knex, chatId: string): Promise<GroupSummary | null> {
  const [row] = await groupSummaries(knex).where('c.id', chatId);
  return row ? presentGroupSummary(row) : null;
}
