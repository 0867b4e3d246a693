import Router from '@koa/router';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { loadAdminStats } from '../../app/server/queries/admin-stats.ts';
import { requireAdmin } from './require-admin.ts';

export function adminStatsRoutes() {
  const router = new Router<AppState, AppCustom>();

  // logLag: records appended and not yet written (Kafka: end offsets minus the writers' commits).
  router.get('/api/admin/stats', async (ctx) => {
    requireAdmin(ctx);
    const stats = await loadAdminStats(ctx.services.knex);
    const online = await ctx.services.presence.online();
    const logLag = await ctx.services.log.lag().catch((error: unknown) => {
      ctx.services.logger.warn({ err: error }, 'could not measure the log lag');
      return null;
    });
    ctx.body = { ...stats, onlineNow: online.length, logLag };
  });

  return router;
}
