import Router from '@koa/router';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { loadAdminStats } from '../../app/server/queries/admin-stats.ts';
import { requireAdmin } from './require-admin.ts';

export function adminStatsRoutes() {
  const router = new Router<AppState, AppCustom>();

  // logLag is 0: the in-process log is the writer itself; Kafka consumer lag is not measured yet.
  router.get('/api/admin/stats', async (ctx) => {
    requireAdmin(ctx);
    const stats = await loadAdminStats(ctx.services.knex);
    const online = await ctx.services.presence.online();
    ctx.body = { ...stats, onlineNow: online.length, logLag: 0 };
  });

  return router;
}
