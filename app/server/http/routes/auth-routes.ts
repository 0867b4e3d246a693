import Router from '@koa/router';
import { z } from 'zod';
import { presentUser } from '../../presenters/user.ts';
import { typedPassword } from '../../schemas/names.ts';
import { text } from '../../schemas/text.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, SESSION_COOKIE, type AppCustom, type AppState } from '../context.ts';

const loginSchema = z.object({ email: text().min(1).max(320), password: typedPassword });

export function authRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.post('/api/auth/login', async (ctx) => {
    const input = validate(loginSchema, ctx.request.body);
    const { user, token, expiresAt } = await ctx.services.identity.login({ ...input, ip: ctx.ip, userAgent: ctx.get('user-agent') });
    ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, expires: expiresAt, overwrite: true });
    ctx.body = { token, user: presentUser(user) };
  });

  router.post('/api/auth/logout', async (ctx) => {
    if (ctx.state.principal) await ctx.services.identity.logout(ctx.state.principal);
    ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'lax', overwrite: true });
    ctx.status = 204;
  });

  router.get('/api/me', (ctx) => {
    ctx.body = { user: presentUser(requirePrincipal(ctx).user) };
  });

  return router;
}
