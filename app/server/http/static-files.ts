import type { Next } from 'koa';
import send from 'koa-send';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB_ROOT = path.join(ROOT, 'app/web');
const ADMIN_ROOT = path.join(ROOT, 'admin/web');
const NODE_MODULES = path.join(ROOT, 'node_modules');

/** The only npm packages the browser may load, served same-origin under /vendor/<package>@<version>/. */
export const VENDORED_PACKAGES = ['preact', 'htm', '@preact/signals', '@preact/signals-core', 'uplot', 'marked', 'gemoji'];

/**
 * The installed version of each vendored package. Its URL names that version, so a browser never
 * mixes cached files of an old version with new ones; any other version answers 404.
 */
export const VENDORED_VERSIONS: ReadonlyMap<string, string> = new Map(
  VENDORED_PACKAGES.map((name) => [name, (JSON.parse(readFileSync(path.join(NODE_MODULES, name, 'package.json'), 'utf8')) as { version: string }).version]),
);

/** The admin console's pages: /admin and everything under it. */
export const isAdminPath = (urlPath: string) => urlPath === '/admin' || urlPath.startsWith('/admin/');

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
 * The chat UI (files of app/web) and the admin console (admin/web, under /admin), vendored ES
 * modules, and each page's index.html for any other path of it so the client router can take
 * over. API and socket paths never reach here.
 */
export async function staticFiles(ctx: AppContext, next: Next) {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
  if (SERVER_PATHS.some((prefix) => ctx.path.startsWith(prefix))) return next();
  if (!isPlainPath(ctx.path)) return next();

  if (ctx.path.startsWith('/vendor/')) {
    const rest = ctx.path.slice('/vendor/'.length);
    const pkg = VENDORED_PACKAGES.find((name) => rest.startsWith(`${name}@${VENDORED_VERSIONS.get(name)}/`));
    if (!pkg) return next();
    await send(ctx, rest.slice(`${pkg}@${VENDORED_VERSIONS.get(pkg)}/`.length), { root: path.join(NODE_MODULES, pkg), setHeaders: (res) => res.setHeader('Cache-Control', IMMUTABLE) });
    return;
  }

  const hasExtension = path.extname(ctx.path) !== '';
  // The console is its own page with its own files; its other paths are the console's routes.
  const admin = isAdminPath(ctx.path);
  const file = admin ? ctx.path.slice('/admin'.length) : ctx.path;
  try {
    await send(ctx, hasExtension ? file : 'index.html', {
      root: admin ? ADMIN_ROOT : WEB_ROOT,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    });
  } catch (error) {
    // 404 missing; 400/403 a path koa-send refuses (undecodable, outside the root): all "not here".
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 400 || status === 403) return next();
    throw error;
  }
}
