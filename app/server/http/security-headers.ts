import type { Next } from 'koa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.ts';
import { isAdminPath } from './static-files.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHAT_HTML = path.join(ROOT, 'app/web/index.html');
const ADMIN_HTML = path.join(ROOT, 'admin/web/index.html');

/**
 * The page's only inline script is its import map; allowing exactly that text by hash keeps
 * every other inline script (an injected one included) from running.
 */
function inlineScriptHashes(page: string): string[] {
  let html = '';
  try {
    html = readFileSync(page, 'utf8');
  } catch {
    return [];
  }
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
  );
}

// Each page's hashes, read once: each page allows only its own import map.
const scriptHashes = new Map<string, string[]>();
function pageScriptHashes(page: string): string[] {
  let hashes = scriptHashes.get(page);
  if (!hashes) {
    hashes = inlineScriptHashes(page);
    scriptHashes.set(page, hashes);
  }
  return hashes;
}

/**
 * connect-src is the page's own origin (WebSocket included, CSP 3) and the configured extra origins.
 * With Clerk sign-in, the chat page also lets Clerk's SDK reach its frontend API (the host the
 * publishable key names): its scripts, requests and frames, and the images of Clerk's own CDN.
 */
function contentSecurityPolicy(page: string, connectSources: string[], clerkFrontendApi?: string): string {
  const clerk = clerkFrontendApi ? [`https://${clerkFrontendApi}`] : [];
  return [
    "default-src 'self'",
    [`script-src 'self'`, ...pageScriptHashes(page), ...clerk].join(' '),
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data: blob:", ...clerk, ...(clerkFrontendApi ? ['https://img.clerk.com'] : [])].join(' '),
    "media-src 'self' blob:",
    ["connect-src 'self'", ...connectSources, ...clerk].join(' '),
    ...(clerkFrontendApi ? [`frame-src 'self' ${clerk[0]}`, "worker-src 'self' blob:"] : []),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** Headers every response carries, errors and 404s included. */
export const BASE_SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' } as const;

/**
 * Defence in depth for the UI: messages are rendered as text, and the browser is told to insist.
 * The base headers are set before anything runs, so an error answered further out keeps them.
 */
export async function securityHeaders(ctx: AppContext, next: Next) {
  ctx.set(BASE_SECURITY_HEADERS);
  try {
    await next();
  } finally {
    if (ctx.response.is('html')) {
      const admin = isAdminPath(ctx.path);
      // Only the chat page signs in through Clerk; the console keeps its password sign-in.
      const clerkHost = admin ? undefined : ctx.services.config.clerk?.publishable?.frontendApi;
      ctx.set('Content-Security-Policy', contentSecurityPolicy(admin ? ADMIN_HTML : CHAT_HTML, ctx.services.originPolicy.connectSources(), clerkHost));
      ctx.set('X-Frame-Options', 'DENY');
    }
  }
}
