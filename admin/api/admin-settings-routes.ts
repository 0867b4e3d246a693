import Router from '@koa/router';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
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

  return router;
}
