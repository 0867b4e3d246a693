import type { Next } from 'koa';
import compress from 'koa-compress';
import send from 'koa-send';
import { readFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AppContext } from './context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB_ROOT = path.join(ROOT, 'app/web');
const ADMIN_ROOT = path.join(ROOT, 'admin/web');
const NODE_MODULES = path.join(ROOT, 'node_modules');

/** Clerk's browser SDK: served only when the UI signs in through Clerk (CLERK_PUBLISHABLE_KEY). */
export const CLERK_JS = '@clerk/clerk-js';

/** The only npm packages the browser may load, served same-origin under /vendor/<package>@<version>/. */
export const VENDORED_PACKAGES = ['preact', 'htm', '@preact/signals', '@preact/signals-core', 'uplot', 'marked', 'gemoji', CLERK_JS];

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
// Files whose URL does not change with their content: the browser revalidates every time (304).
const REVALIDATE = 'no-cache';

/** The weak validator koa-send's stat gives for free: size and modification time. */
const weakEtag = (stats: Stats) => `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;

// Compressed on the fly by what the browser accepts (brotli at a fast level, else gzip). Only the
// UI's files pass through here: API answers, media downloads and Range responses never do.
const compressStatic = compress({ threshold: 1024 });
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
 * over. API and socket paths never reach here. Every file carries validators (ETag and
 * Last-Modified) and answers 304 to a request that has it already.
 */
export async function staticFiles(ctx: AppContext, next: Next) {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
  if (SERVER_PATHS.some((prefix) => ctx.path.startsWith(prefix))) return next();
  if (!isPlainPath(ctx.path)) return next();
  let served = false;
  await compressStatic(ctx, async () => {
    served = await serveFile(ctx);
    if (served) answerNotModified(ctx);
  });
  if (!served) return next();
}

/** Sends the file the path names, if there is one; false lets the request go on (404 or a route). */
async function serveFile(ctx: AppContext): Promise<boolean> {
  if (ctx.path.startsWith('/vendor/')) {
    const rest = ctx.path.slice('/vendor/'.length);
    const pkg = VENDORED_PACKAGES.find((name) => rest.startsWith(`${name}@${VENDORED_VERSIONS.get(name)}/`));
    if (!pkg) return false;
    if (pkg === CLERK_JS && !ctx.services.config.clerk?.publishable) return false;
    return sendFrom(ctx, rest.slice(`${pkg}@${VENDORED_VERSIONS.get(pkg)}/`.length), path.join(NODE_MODULES, pkg), IMMUTABLE);
  }

  const hasExtension = path.extname(ctx.path) !== '';
  // The console is its own page with its own files; its other paths are the console's routes.
  const admin = isAdminPath(ctx.path);
  const file = admin ? ctx.path.slice('/admin'.length) : ctx.path;
  return sendFrom(ctx, hasExtension ? file : 'index.html', admin ? ADMIN_ROOT : WEB_ROOT, REVALIDATE);
}

async function sendFrom(ctx: AppContext, file: string, root: string, cacheControl: string): Promise<boolean> {
  try {
    await send(ctx, file, {
      root,
      setHeaders: (res, _path, stats) => {
        res.setHeader('Cache-Control', cacheControl);
        res.setHeader('ETag', weakEtag(stats));
      },
    });
    return true;
  } catch (error) {
    // 404 missing; 400/403 a path koa-send refuses (undecodable, outside the root): all "not here".
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 400 || status === 403) return false;
    throw error;
  }
}

/** If-None-Match / If-Modified-Since that match the file: 304, and the opened file is closed unread. */
function answerNotModified(ctx: AppContext): void {
  if (!ctx.fresh) return;
  const body = ctx.body;
  if (body instanceof Readable) body.destroy();
  ctx.body = null;
  ctx.status = 304;
}
