import Router from '@koa/router';
import { AppError, notFound } from '../../errors.ts';
import type { AttachmentRow } from '../../models/attachment.ts';
import { requireReadableAttachment } from '../../policies/attachment-policy.ts';
import { contentDisposition } from '../../storage/file-names.ts';
import { MediaNotFoundError, type ByteRange } from '../../storage/media-store.ts';
import { servedInline, servedType } from '../../storage/media-types.ts';
import { requirePrincipal, type AppContext, type AppCustom, type AppState } from '../context.ts';

interface Served {
  key: string;
  size: number;
  type: string;
  inline: boolean;
  name: string;
  etag: string;
}

/**
 * The one byte range asked for, null for the whole file (no header, a malformed one or several
 * ranges, which RFC 9110 lets a server answer in full), or 'unsatisfiable' (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

async function serve(ctx: AppContext, served: Served) {
  ctx.set('ETag', served.etag);
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('Cache-Control', 'private, max-age=86400');
  ctx.set('Content-Disposition', contentDisposition(served.inline ? 'inline' : 'attachment', served.name));
  // A file is never a page: even a browser that ignored the headers above could not run it.
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (ctx.get('If-None-Match') === served.etag) {
    ctx.status = 304;
    return;
  }
  const range = parseRange(ctx.get('Range') || undefined, served.size);
  if (range === 'unsatisfiable') {
    ctx.set('Content-Range', `bytes */${served.size}`);
    throw new AppError(416, 'range_not_satisfiable', `The file has ${served.size} bytes.`);
  }
  // HEAD answers the same headers without opening the object (an unread stream would stay open).
  if (ctx.method !== 'HEAD') {
    try {
      ctx.body = await ctx.services.media.get(served.key, range ?? undefined);
    } catch (error) {
      if (error instanceof MediaNotFoundError) throw notFound('Attachment');
      throw error;
    }
  }
  ctx.type = served.type;
  if (range) {
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${served.size}`);
    ctx.length = range.end - range.start + 1;
  } else {
    ctx.status = 200;
    ctx.length = served.size;
  }
}

const thumbnailName = (row: AttachmentRow) => `${row.name.replace(/\.[^.]*$/, '') || 'thumbnail'}.webp`;

export function attachmentRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/attachments/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const row = await requireReadableAttachment(ctx.services.knex, ctx.params.id!, user.id);
    await serve(ctx, {
      key: row.storageKey,
      size: row.size,
      type: servedType(row.mime),
      inline: servedInline(row.mime),
      name: row.name,
      etag: `"${row.sha256 ?? row.id}"`,
    });
  });

  router.get('/api/attachments/:id/thumbnail', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const row = await requireReadableAttachment(ctx.services.knex, ctx.params.id!, user.id);
    if (!row.thumbnailKey) throw notFound('Thumbnail');
    const info = await ctx.services.media.stat(row.thumbnailKey);
    if (!info) throw notFound('Thumbnail');
    await serve(ctx, {
      key: row.thumbnailKey,
      size: info.size,
      type: 'image/webp',
      inline: true,
      name: thumbnailName(row),
      etag: `"${row.sha256 ?? row.id}-thumb"`,
    });
  });

  return router;
}
