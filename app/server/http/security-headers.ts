import type { Next } from 'koa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.ts';

const INDEX_HTML = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/index.html');

/**
 * The page's only inline script is its import map; allowing exactly that text by hash keeps
 * every other inline script (an injected one included) from running.
 */
function inlineScriptHashes(): string[] {
  let html = '';
  try {
    html = readFileSync(INDEX_HTML, 'utf8');
  } catch {
    return [];
  }
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`,
  );
}

let scriptHashes: string[] | undefined;
/** connect-src is the page's own origin (WebSocket included, CSP 3) and the configured extra origins. */
function contentSecurityPolicy(connectSources: string[]): string {
  scriptHashes ??= inlineScriptHashes();
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    ["connect-src 'self'", ...connectSources].join(' '),
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
      ctx.set('Content-Security-Policy', contentSecurityPolicy(ctx.services.originPolicy.connectSources()));
      ctx.set('X-Frame-Options', 'DENY');
    }
  }
}
