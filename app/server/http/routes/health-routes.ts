import Router from '@koa/router';
import { forbidden, notFound } from '../../errors.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';

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

  // Metrics tell who is online and how busy the server is: admins only, or only on the separate
  // listener of CHATFLOW_METRICS_ADDRESS (then the public port has no /metrics at all).
  router.get('/metrics', async (ctx) => {
    if (ctx.services.config.metricsAddress) throw notFound('Route');
    if (requirePrincipal(ctx).user.role !== 'admin') throw forbidden('Only administrators can read the metrics.');
    ctx.type = ctx.services.metrics.registry.contentType;
    ctx.body = await ctx.services.metrics.registry.metrics();
  });

  return router;
}
