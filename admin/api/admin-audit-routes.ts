import Router from '@koa/router';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import { z } from 'zod';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { text } from '../../app/server/schemas/text.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { requireAdmin } from './require-admin.ts';

const DAY_MS = 86_400_000;
// A day ("2026-12-01", read as UTC) or an instant; `to` includes the whole of its day.
const when = z.union([z.iso.date(), z.iso.datetime({ offset: true })], 'must be a date such as 2026-12-01');
const filterSchema = z.object({
  action: text().min(1).max(100).optional(),
  actorId: z.uuid().optional(),
  targetId: z.string().min(1).max(100).optional(),
  from: when.optional(),
  to: when.optional(),
});
// The cursor is the id of the last entry of the previous page: ids only grow, so pages never overlap.
const listSchema = filterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[1-9][0-9]{0,17}$/, 'cursor: not a cursor this server returned').optional(),
});

type Filters = z.infer<typeof filterSchema>;

interface EntryRow {
  id: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
}

const EXPORT_BATCH = 500;

/** Every matching entry, newest first, read in keyset batches so memory stays bounded. */
async function* allEntries(knex: Knex, filters: Filters): AsyncGenerator<EntryRow> {
  let before: number | undefined;
  for (;;) {
    const search = entries(knex, filters).limit(EXPORT_BATCH);
    if (before !== undefined) search.where('a.id', '<', before);
    const rows = await search;
    yield* rows;
    if (rows.length < EXPORT_BATCH) return;
    before = rows[rows.length - 1]!.id;
  }
}

const CSV_COLUMNS = ['id', 'createdAt', 'actorId', 'actorName', 'action', 'targetType', 'targetId', 'details', 'ip'];

const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** Newest first, filtered; the indexes on (actor_id, id) and (action, id) serve the common filters. */
function entries(knex: Knex, filters: Filters) {
  const search = knex('auditLog as a')
    .leftJoin('users as u', 'u.id', 'a.actorId')
    .orderBy('a.id', 'desc')
    .select<EntryRow[]>('a.id', 'a.actorId', 'u.name as actorName', 'a.action', 'a.targetType', 'a.targetId', 'a.details', 'a.ip', 'a.createdAt');
  if (filters.action) search.where('a.action', filters.action);
  if (filters.actorId) search.where('a.actorId', filters.actorId);
  if (filters.targetId) search.where('a.targetId', filters.targetId);
  if (filters.from) search.where('a.createdAt', '>=', new Date(filters.from));
  if (filters.to) search.where('a.createdAt', '<', isDay(filters.to) ? new Date(new Date(filters.to).getTime() + DAY_MS) : new Date(filters.to));
  return search;
}

const presentEntry = (row: EntryRow) => ({
  id: row.id,
  actor: row.actorId ? { id: row.actorId, name: row.actorName ?? '' } : null,
  action: row.action,
  targetType: row.targetType,
  targetId: row.targetId,
  details: row.details,
  ip: row.ip,
  createdAt: row.createdAt.toISOString(),
});

export function adminAuditRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/audit', async (ctx) => {
    requireAdmin(ctx);
    const { limit, cursor, ...filters } = validate(listSchema, ctx.query);
    const search = entries(ctx.services.knex, filters).limit(limit + 1);
    if (cursor) search.where('a.id', '<', cursor);
    const rows = await search;
    const page = rows.slice(0, limit);
    ctx.body = { entries: page.map(presentEntry), nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
  });

  // The actions that occur, for the console's filter.
  router.get('/api/admin/audit/actions', async (ctx) => {
    requireAdmin(ctx);
    const rows = (await ctx.services.knex('auditLog').distinct('action').orderBy('action')) as { action: string }[];
    ctx.body = { actions: rows.map((row) => row.action) };
  });

  // Every matching entry as CSV, streamed batch by batch, never held in memory whole.
  router.get('/api/admin/audit.csv', async (ctx) => {
    requireAdmin(ctx);
    const filters = validate(filterSchema, ctx.query);
    const body = new PassThrough();
    const toLine = new Transform({
      objectMode: true,
      transform(row: EntryRow, _encoding, done) {
        done(null, { ...row, createdAt: row.createdAt.toISOString(), details: JSON.stringify(row.details) });
      },
    });
    // A cell a spreadsheet would run as a formula starts with a quote instead.
    const csv = stringify({ header: true, columns: CSV_COLUMNS, cast: { string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value) } });
    pipeline(Readable.from(allEntries(ctx.services.knex, filters)), toLine, csv, body, (error) => {
      if (error) ctx.services.logger.warn({ err: error }, 'audit export stopped');
    });
    ctx.set('Content-Disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = body;
  });

  return router;
}
