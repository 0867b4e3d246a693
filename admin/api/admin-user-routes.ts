import Router from '@koa/router';
import { z } from 'zod';
import { createUser, resetPassword, updateUser } from '../../app/server/commands/user-commands.ts';
import { notFound } from '../../app/server/errors.ts';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { likePattern } from '../../app/server/http/routes/user-routes.ts';
import { User } from '../../app/server/models/user.ts';
import { isUuid } from '../../app/server/ids.ts';
import { presentUser } from '../../app/server/presenters/user.ts';
import { newPassword, personName, searchQuery } from '../../app/server/schemas/names.ts';
import { emailText, text } from '../../app/server/schemas/text.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { planImport, runImport } from '../commands/user-import.ts';
import { decodeNameCursor, encodeNameCursor, requireAdmin } from './require-admin.ts';

const createSchema = z.object({
  email: emailText(),
  name: personName,
  password: newPassword.optional(),
  role: z.enum(['user', 'admin']).optional(),
});
const updateSchema = z
  .object({
    name: personName.optional(),
    role: z.enum(['user', 'admin']).optional(),
    status: z.enum(['active', 'deactivated']).optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to change');
const passwordSchema = z.object({ password: newPassword.optional() }).strict();
const importSchema = z.object({ csv: z.string().min(1, 'csv: must not be empty').max(60_000, 'csv: at most 60,000 characters (import a large file in parts)'), dryRun: z.boolean() }).strict();
const listSchema = z.object({
  query: searchQuery,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().max(200).optional(),
});

/** A person as the console lists them: the public fields plus when they joined and were last seen. */
function presentAdminUser(user: User) {
  return { ...presentUser(user), lastSeenAt: user.lastSeenAt?.toISOString() ?? null, createdAt: user.createdAt.toISOString() };
}

export function adminUserRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.post('/api/admin/users', async (ctx) => {
    const admin = requireAdmin(ctx);
    const input = validate(createSchema, ctx.request.body);
    const { user, password } = await createUser(ctx.services.knex, admin, input, ctx.ip);
    ctx.status = 201;
    ctx.body = { user: presentUser(user), ...(password ? { password } : {}) };
  });

  // A dry run writes nothing; the real run creates every "create" row in one transaction.
  router.post('/api/admin/users/import', async (ctx) => {
    const admin = requireAdmin(ctx);
    const { csv, dryRun } = validate(importSchema, ctx.request.body);
    const plan = await planImport(ctx.services.knex, csv);
    const rows = dryRun ? plan : await runImport(ctx.services.knex, admin, plan, ctx.ip);
    const count = (outcome: string) => rows.filter((row) => row.outcome === outcome).length;
    ctx.body = { dryRun, rows, summary: { create: count('create'), skip: count('skip'), refuse: count('refuse') } };
  });

  router.patch('/api/admin/users/:id', async (ctx) => {
    const admin = requireAdmin(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('User');
    const input = validate(updateSchema, ctx.request.body);
    const user = await updateUser(ctx.services, admin, ctx.params.id!, input, ctx.ip);
    ctx.body = { user: presentUser(user) };
  });

  // Ends every session and socket of the user; a generated password is returned this once only.
  router.post('/api/admin/users/:id/password', async (ctx) => {
    const admin = requireAdmin(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('User');
    const { password } = validate(passwordSchema, ctx.request.body ?? {});
    const result = await resetPassword(ctx.services, admin, ctx.params.id!, password, ctx.ip);
    ctx.body = result.password ? { password: result.password } : {};
  });

  router.get('/api/admin/users', async (ctx) => {
    requireAdmin(ctx);
    const { query, limit, cursor } = validate(listSchema, ctx.query);
    const search = User.query(ctx.services.knex).orderByRaw('lower(name), id').limit(limit + 1);
    if (query.trim()) {
      const pattern = likePattern(query.trim());
      search.where((q) => q.whereILike('name', pattern).orWhereILike('email', pattern));
    }
    if (cursor) {
      const [name, id] = decodeNameCursor(cursor);
      search.whereRaw('(lower(name), id) > (?, ?::uuid)', [name, id]);
    }
    const rows = await search;
    const page = rows.slice(0, limit);
    ctx.body = { users: page.map(presentAdminUser), nextCursor: rows.length > limit ? encodeNameCursor(page[page.length - 1]!.name, page[page.length - 1]!.id) : null };
  });

  return router;
}
