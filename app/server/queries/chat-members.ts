import type { Knex } from 'knex';
import type { MemberRole } from '../models/chat-member.ts';
import type { UserFields } from '../presenters/user.ts';
import type { MemberCursor } from '../schemas/member-page-schemas.ts';

export interface MemberRecord {
  user: UserFields;
  role: MemberRole;
  deliveredSeq: number;
  readSeq: number;
}

interface MemberRow extends UserFields {
  memberRole: MemberRole;
  deliveredSeq: number;
  readSeq: number;
  cursorAt: string;
}

/** One page of a chat's members in joining order (callers authorize first). */
export async function readMembers(knex: Knex, chatId: string, page: { limit: number; cursor?: MemberCursor }) {
  const query = knex('chatMembers as m')
    .join('users as u', 'u.id', 'm.userId')
    .where('m.chatId', chatId)
    .orderBy([{ column: 'm.joinedAt' }, { column: 'm.userId' }])
    .limit(page.limit + 1)
    .select<MemberRow[]>('m.role as memberRole', 'm.deliveredSeq', 'm.readSeq', 'u.id', 'u.email', 'u.name', 'u.avatarUrl', 'u.role', 'u.status',
      // Text, not a Date: the cursor must keep the microseconds PostgreSQL stores.
      knex.raw('m.joined_at::text AS "cursorAt"'));
  if (page.cursor) query.whereRaw('(m.joined_at, m.user_id) > (?::timestamptz, ?::uuid)', [page.cursor.joinedAt, page.cursor.userId]);
  const rows = await query;
  const members = rows.slice(0, page.limit).map((row): MemberRecord & { cursor: MemberCursor } => ({
    user: { id: row.id, email: row.email, name: row.name, avatarUrl: row.avatarUrl, role: row.role, status: row.status },
    role: row.memberRole,
    deliveredSeq: row.deliveredSeq,
    readSeq: row.readSeq,
    cursor: { joinedAt: row.cursorAt, userId: row.id },
  }));
  return { members, hasMore: rows.length > page.limit };
}
