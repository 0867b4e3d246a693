import type { Next } from 'koa';
import { AppError, forbidden } from '../errors.ts';
import { bearerToken, type AppContext } from './context.ts';
import { ownOrigin, requestSignals } from './origin-policy.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The only routes that take a multipart body; every other write is JSON. */
const MULTIPART_ROUTES = new Set(['POST /api/uploads', 'PUT /api/me/avatar']);

const unsupportedType = (message: string) => new AppError(415, 'unsupported_type', message);

/**
 * Cross-site request forgery stops here, before any body is read:
 * - a write that does not carry a bearer token (so the browser may have attached the session
 *   cookie, or is about to receive one at login) must come from an allowed origin (OriginPolicy);
 *   a bearer header cannot be added by another site without a CORS preflight, which is never granted;
 * - a write with a body must be JSON (forms and text/plain, the bodies a page of another site can
 *   send without a preflight, answer 415), except the multipart upload routes, which the origin
 *   rule covers.
 */
export async function csrfGuard(ctx: AppContext, next: Next) {
  if (!UNSAFE_METHODS.has(ctx.method)) return next();
  const { originPolicy, config } = ctx.services;
  if (!bearerToken(ctx.get('authorization'))) {
    const own = ownOrigin(ctx.req.headers, 'encrypted' in ctx.req.socket, config.trustProxy);
    if (!originPolicy.allowsRequest(requestSignals(ctx.req.headers), own)) {
      throw forbidden('This request comes from a page Chat-Flow does not trust.');
    }
  }
  if (ctx.request.length || ctx.get('transfer-encoding')) {
    const multipart = MULTIPART_ROUTES.has(`${ctx.method} ${ctx.path}`);
    if (multipart ? !ctx.request.is('multipart/form-data') : !ctx.request.is('application/json')) {
      throw unsupportedType(multipart ? 'Send the file as multipart/form-data.' : 'Send JSON (Content-Type: application/json).');
    }
  }
  return next();
}
