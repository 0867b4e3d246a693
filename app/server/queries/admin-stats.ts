import type { Knex } from 'knex';

export const STATS_DAYS = 30;

export interface AdminStats {
  users: { total: number; active: number; deactivated: number; admins: number };
  chats: { direct: number; groups: number };
  /** Bytes of stored attachments (media). */
  storageBytes: number;
  /** Size of the whole database (pg_database_size). */
  databaseBytes: number;
  messagesPerDay: { day: string; count: number }[];
  /** People who sent at least one message that UTC day. */
  activePeoplePerDay: { day: string; count: number }[];
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The figures behind the admin dashboard in two queries: counts as scalar subqueries, and
 * messages people sent (system notices excluded) and their distinct senders per UTC day over the
 * last STATS_DAYS days, zero-filled here. The day range is a created_at range, so the BRIN index on it applies.
 */
export async function loadAdminStats(knex: Knex, now = new Date()): Promise<AdminStats> {
  const totals = (await knex
    .select(
      knex.raw(`(SELECT count(*) FROM users) AS users_total`),
      knex.raw(`(SELECT count(*) FROM users WHERE status = 'active') AS users_active`),
      knex.raw(`(SELECT count(*) FROM users WHERE status = 'deactivated') AS users_deactivated`),
      knex.raw(`(SELECT count(*) FROM users WHERE role = 'admin') AS users_admins`),
      knex.raw(`(SELECT count(*) FROM chats WHERE kind = 'direct') AS chats_direct`),
      knex.raw(`(SELECT count(*) FROM chats WHERE kind = 'group') AS chats_groups`),
      knex.raw(`(SELECT coalesce(sum(size), 0)::bigint FROM attachments) AS storage_bytes`),
      knex.raw(`pg_database_size(current_database()) AS database_bytes`),
    )
    .first()) as Record<string, number>;
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (STATS_DAYS - 1)));
  const perDay = (await knex('messages')
    .where('createdAt', '>=', first)
    .whereNot('kind', 'system')
    .groupByRaw('1')
    .select(knex.raw(`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day`), knex.raw('count(*) AS count'), knex.raw('count(DISTINCT sender_id) AS senders'))) as { day: string; count: number; senders: number }[];
  const byDay = new Map(perDay.map((row) => [row.day, row]));
  const days = Array.from({ length: STATS_DAYS }, (_, i) => dayOf(new Date(first.getTime() + i * 86_400_000)));
  const messagesPerDay = days.map((day) => ({ day, count: Number(byDay.get(day)?.count ?? 0) }));
  const activePeoplePerDay = days.map((day) => ({ day, count: Number(byDay.get(day)?.senders ?? 0) }));
  return {
    users: { total: totals.usersTotal!, active: totals.usersActive!, deactivated: totals.usersDeactivated!, admins: totals.usersAdmins! },
    chats: { direct: totals.chatsDirect!, groups: totals.chatsGroups! },
    storageBytes: Number(totals.storageBytes),
    databaseBytes: Number(totals.databaseBytes),
    messagesPerDay,
    activePeoplePerDay,
  };
}
