import Router from '@koa/router';
import type { AppCustom, AppState } from '../context.ts';

export function healthRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    if (ctx.services.lifecycle.draining) {
      ctx.status = 503;
      ctx.body = { status: 'draining', checks: {} };
      return;
    }
    const checks: Record<string, 'ok' | 'failing'> = {};
    checks.database = await ctx.services.knex
      .raw('select 1')
      .then(() => 'ok' as const)
      .catch(() => 'failing' as const);
    if (ctx.services.redis) checks.redis = await ctx.services.redis.check();
    checks.media = (await ctx.services.media.check()) ? 'ok' : 'failing';
    const log = ctx.services.log;
    if (log.ready) checks.kafka = (await log.ready()) ? 'ok' : 'failing';
    const ready = Object.values(checks).every((state) => state === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });

  router.get('/metrics', async (ctx) => {
    ctx.type = ctx.services.metrics.registry.contentType;
    ctx.body = await ctx.services.metrics.registry.metrics();
  });

  return router;
}
