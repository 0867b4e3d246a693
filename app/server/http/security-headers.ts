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

// One policy per page: each allows only its own import map.
const policies = new Map<string, string>();
function contentSecurityPolicy(page: string): string {
  const known = policies.get(page);
  if (known) return known;
  const policy = [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(page).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
  policies.set(page, policy);
  return policy;
}

/** Defence in depth for the UI: messages are rendered as text, and the browser is told to insist. */
export async function securityHeaders(ctx: AppContext, next: Next) {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  if (ctx.response.is('html')) {
    ctx.set('Content-Security-Policy', contentSecurityPolicy(isAdminPath(ctx.path) ? ADMIN_HTML : CHAT_HTML));
    ctx.set('X-Frame-Options', 'DENY');
  }
}
