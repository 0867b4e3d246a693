import Router from '@koa/router';
import { audit } from '../../app/server/commands/audit.ts';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { lastRetentionRun, RETENTION_JOB } from '../../app/server/jobs/retention-job.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { settingsPatchSchema } from '../../app/server/settings/settings-service.ts';
import { requireAdmin } from './require-admin.ts';

export function adminSettingsRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/settings', async (ctx) => {
    requireAdmin(ctx);
    ctx.body = { settings: await ctx.services.settings.get() };
  });

  router.patch('/api/admin/settings', async (ctx) => {
    const admin = requireAdmin(ctx);
    const patch = validate(settingsPatchSchema, ctx.request.body);
    ctx.body = { settings: await ctx.services.settings.update(admin, patch, ctx.ip) };
  });

  // The last run on any replica (the job stores its report), for the console's retention panel.
  router.get('/api/admin/retention', async (ctx) => {
    requireAdmin(ctx);
    const { retentionDays } = await ctx.services.settings.get();
    ctx.body = { retentionDays, lastRun: await lastRetentionRun(ctx.services.knex) };
  });

  // Runs the job now under its advisory lock; when another replica is running it, nothing happens here.
  router.post('/api/admin/retention/run', async (ctx) => {
    const admin = requireAdmin(ctx);
    await audit(ctx.services.knex, { actorId: admin.id, action: 'retention.run', targetType: 'job', targetId: RETENTION_JOB, ip: ctx.ip });
    const run = await ctx.services.jobs.runNow(RETENTION_JOB);
    ctx.body = { skipped: run.skipped, error: run.error ?? null, lastRun: await lastRetentionRun(ctx.services.knex) };
  });

  return router;
}
