import Router from '@koa/router';
import { z } from 'zod';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { text } from '../../app/server/schemas/text.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { requireAdmin } from './require-admin.ts';

// The cursor is the id of the last entry of the previous page: ids only grow, so pages never overlap.
const listSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[1-9][0-9]{0,17}$/, 'cursor: not a cursor this server returned').optional(),
  action: text().min(1).max(100).optional(),
  actorId: z.uuid().optional(),
});

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

export function adminAuditRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/audit', async (ctx) => {
    requireAdmin(ctx);
    const { limit, cursor, action, actorId } = validate(listSchema, ctx.query);
    const search = ctx.services.knex('auditLog as a')
      .leftJoin('users as u', 'u.id', 'a.actorId')
      .orderBy('a.id', 'desc')
      .limit(limit + 1)
      .select<EntryRow[]>('a.id', 'a.actorId', 'u.name as actorName', 'a.action', 'a.targetType', 'a.targetId', 'a.details', 'a.ip', 'a.createdAt');
    if (cursor) search.where('a.id', '<', cursor);
    if (action) search.where('a.action', action);
    if (actorId) search.where('a.actorId', actorId);
    const rows = await search;
    const page = rows.slice(0, limit);
    ctx.body = {
      entries: page.map((row) => ({
        id: row.id,
        actor: row.actorId ? { id: row.actorId, name: row.actorName ?? '' } : null,
        action: row.action,
        targetType: row.targetType,
        targetId: row.targetId,
        details: row.details,
        ip: row.ip,
        createdAt: row.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    };
  });

  return router;
}
