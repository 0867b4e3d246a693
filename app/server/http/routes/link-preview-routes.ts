import Router from '@koa/router';
import { notFound } from '../../errors.ts';
import { canRead } from '../../policies/message-policy.ts';
import { presentLinkPreview } from '../../presenters/link-preview.ts';
import { firstHttpLink } from '../../previews/link-finder.ts';
import type { ReadyPreview } from '../../previews/link-previews.ts';
import { loadMessageContext } from '../../queries/message-facts.ts';
import { requirePrincipal, type AppContext, type AppCustom, type AppState } from '../context.ts';

/**
 * The card of a message's first link, for members of its chat (404 to anyone else). The URL comes
 * from the stored message, never from the request, so this is no fetch proxy for arbitrary URLs.
 */
async function messagePreview(ctx: AppContext, messageId: string | undefined): Promise<{ messageId: string; link: URL; preview: ReadyPreview } | null> {
  const { user } = requirePrincipal(ctx);
  await ctx.services.limits.consume('link-preview', user.id);
  const message = await loadMessageContext(ctx.services.knex, messageId ?? '', user);
  if (!message || !canRead(message.actor).ok) throw notFound('Message');
  if (message.message.deletedAt || message.message.kind === 'system') return null;
  const row = (await ctx.services.knex('messages').where({ id: message.messageId }).first('body')) as { body: string | null } | undefined;
  const link = firstHttpLink(row?.body ?? '');
  if (!link) return null;
  const preview = await ctx.services.previews.preview(link);
  return preview ? { messageId: message.messageId, link, preview } : null;
}

export function linkPreviewRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/messages/:id/preview', async (ctx) => {
    const found = await messagePreview(ctx, ctx.params.id);
    ctx.body = { preview: found ? presentLinkPreview(found.messageId, found.link, found.preview) : null };
  });

  router.get('/api/messages/:id/preview/image', async (ctx) => {
    const found = await messagePreview(ctx, ctx.params.id);
    if (!found?.preview.image || !found.preview.imageType) throw notFound('Preview image');
    ctx.set('Cache-Control', 'private, max-age=3600');
    ctx.set('Content-Disposition', 'inline');
    // Re-encoded by the server, but still bytes from elsewhere: never a page.
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = found.preview.imageType;
    ctx.body = found.preview.image;
  });

  return router;
}
