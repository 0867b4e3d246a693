import type { Next } from 'koa';
import { allowedBeforePasswordChange } from '../auth/password-change.ts';
import { AppError, invalidInput, notFound, toAppError, tooLarge } from '../errors.ts';
import { bearerToken, SESSION_COOKIE, type AppContext } from './context.ts';

/** Every error leaves as {"error": {code, message}}; internals are logged, never sent. */
export async function errorHandler(ctx: AppContext, next: Next) {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) throw notFound('Route');
  } catch (error) {
    const appError = fromHttpError(error) ?? toAppError(error);
    if (appError.status >= 500) ctx.services.logger.error({ err: error, path: ctx.path }, 'request failed');
    ctx.status = appError.status;
    ctx.body = appError.toJSON();
  } finally {
    ctx.services.metrics.httpRequests.inc({ status: `${Math.floor(ctx.status / 100)}xx` });
  }
}

/** Body-parser and Koa errors carry a status; give them the protocol's codes. */
function fromHttpError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const { status, type } = (error ?? {}) as { status?: number; type?: string };
  if (status === 413 || type === 'entity.too.large') return tooLarge('The request body is too large.');
  if (type === 'entity.parse.failed' || error instanceof SyntaxError) return invalidInput('The request body is not valid JSON.');
  if (status === 415) return new AppError(415, 'unsupported_type', 'Send JSON (Content-Type: application/json).');
  if (status === 400) return invalidInput('The request could not be read.');
  return null;
}

const LIVENESS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * While the server drains for shutdown, new requests get a retryable 503 (the load balancer sends
 * the retry to another replica); requests already running are tracked so shutdown waits for them.
 */
export async function drainGuard(ctx: AppContext, next: Next) {
  const { lifecycle } = ctx.services;
  if (LIVENESS_PATHS.has(ctx.path)) return next();
  if (lifecycle.draining) {
    ctx.set('Connection', 'close');
    throw new AppError(503, 'unavailable', 'The server is restarting; try again.');
  }
  await lifecycle.track(next);
}

/** Resolves the bearer token or session cookie into ctx.state.principal (routes decide if required). */
export async function authenticate(ctx: AppContext, next: Next) {
  const token = bearerToken(ctx.get('authorization')) ?? ctx.cookies.get(SESSION_COOKIE);
  const principal = await ctx.services.identity.authenticate(token, { allowPasswordChange: allowedBeforePasswordChange(ctx.method, ctx.path) });
  if (principal) ctx.state.principal = principal;
  await next();
}
