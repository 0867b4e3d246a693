import Router from '@koa/router';
import { z } from 'zod';
import { User } from '../../models/user.ts';
import { presentUser } from '../../presenters/user.ts';
import { visiblePresence } from '../../realtime/presence-audience.ts';
import { searchQuery } from '../../schemas/names.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';
import { meRoutes } from './me-routes.ts';

const directorySchema = z.object({
  query: searchQuery,
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export const likePattern = (query: string) => `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function userRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/users', async (ctx) => {
    requirePrincipal(ctx);
    const { query, limit } = validate(directorySchema, ctx.query);
    const search = User.query(ctx.services.knex).where({ status: 'active' }).orderByRaw('lower(name), id').limit(limit);
    if (query.trim()) {
      const pattern = likePattern(query.trim());
      search.where((q) => q.whereILike('name', pattern).orWhereILike('email', pattern));
    }
    ctx.body = { users: (await search).map(presentUser) };
  });

  router.get('/api/presence', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    ctx.body = { presence: await visiblePresence(ctx.services.knex, user.id, await ctx.services.presence.online()) };
  });

  // One's own account (name, avatar, password) and the avatar pictures, mounted with the directory.
  const me = meRoutes();
  router.use(me.routes(), me.allowedMethods());

  return router;
}
