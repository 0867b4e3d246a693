import type { Next } from 'koa';
import send from 'koa-send';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB_ROOT = path.join(ROOT, 'app/web');
const NODE_MODULES = path.join(ROOT, 'node_modules');

/** The only npm packages the browser may load, served same-origin under /vendor/<package>/. */
export const VENDORED_PACKAGES = ['preact', 'htm', '@preact/signals', '@preact/signals-core'];

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths that belong to the server, never to the UI. */
const SERVER_PATHS = ['/api/', '/socket.io/', '/healthz', '/readyz', '/metrics'];

/** Traversal (`..` in any encoding), NUL and backslashes never name a file of the UI: not found. */
function isPlainPath(urlPath: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  return !/[\0\\]/.test(decoded) && !decoded.split('/').includes('..');
}

/**
 * The chat UI: files of app/web, vendored ES modules, and index.html for any other page path so
 * the client router can take over. API and socket paths never reach here.
 */
export async function staticFiles(ctx: AppContext, next: Next) {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
  if (SERVER_PATHS.some((prefix) => ctx.path.startsWith(prefix))) return next();
  if (!isPlainPath(ctx.path)) return next();

  if (ctx.path.startsWith('/vendor/')) {
    const rest = ctx.path.slice('/vendor/'.length);
    const pkg = VENDORED_PACKAGES.find((name) => rest.startsWith(`${name}/`));
    if (!pkg) return next();
    await send(ctx, rest.slice(pkg.length + 1), { root: path.join(NODE_MODULES, pkg), setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE) });
    return;
  }

  const hasExtension = path.extname(ctx.path) !== '';
  try {
    await send(ctx, hasExtension ? ctx.path : 'index.html', {
      root: WEB_ROOT,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    });
  } catch (error) {
    // 404 missing; 400/403 a path koa-send refuses (undecodable, outside the root): all "not here".
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 400 || status === 403) return next();
    throw error;
  }
}
