import Router from '@koa/router';
import { z } from 'zod';
import { presentSelf } from '../../presenters/user.ts';
import { typedPassword } from '../../schemas/names.ts';
import { text } from '../../schemas/text.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, SESSION_COOKIE, type AppContext, type AppCustom, type AppState } from '../context.ts';

const loginSchema = z.object({ email: text().min(1).max(320), password: typedPassword });

function clearSessionCookie(ctx: AppContext) {
  ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'lax', overwrite: true });
}

export function authRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.post('/api/auth/login', async (ctx) => {
    const input = validate(loginSchema, ctx.request.body);
    const { user, token, expiresAt } = await ctx.services.identity.login({ ...input, ip: ctx.ip, userAgent: ctx.get('user-agent') });
    ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, expires: expiresAt, overwrite: true });
    ctx.body = { token, user: presentSelf(user) };
  });

  // Logout ends this session and its open sockets; logout-all every session of the user (the
  // sockets of Clerk sign-ins included), for "sign out everywhere".
  router.post('/api/auth/logout', async (ctx) => {
    const principal = ctx.state.principal;
    if (principal) await ctx.services.identity.logout(principal);
    if (principal?.sessionId) ctx.services.bus.endSession(principal.sessionId, 'logged_out');
    clearSessionCookie(ctx);
    ctx.status = 204;
  });

  router.post('/api/auth/logout-all', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await ctx.services.identity.revokeSessions(user.id);
    ctx.services.bus.endUser(user.id, 'logged_out');
    clearSessionCookie(ctx);
    ctx.status = 204;
  });

  router.get('/api/me', (ctx) => {
    ctx.body = { user: presentSelf(requirePrincipal(ctx).user) };
  });

  return router;
}
