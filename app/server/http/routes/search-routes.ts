import Router from '@koa/router';
import { requireMembership } from '../../policies/chat-policy.ts';
import { presentMessagePage } from '../../queries/message-attachments.ts';
import { searchMessages } from '../../queries/search.ts';
import { encodeSearchCursor, searchQuerySchema } from '../../schemas/search-schemas.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';

export function searchRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/search', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const input = validate(searchQuerySchema, ctx.query);
    // Searching inside a chat one is not in answers like a chat that does not exist.
    if (input.chatId) await requireMembership(ctx.services.knex, input.chatId, user.id);
    const { hits, hasMore } = await searchMessages(ctx.services.knex, user.id, input);
    const last = hits[hits.length - 1];
    // As in history: with their attachments, one query for the page.
    const messages = await presentMessagePage(ctx.services.knex, hits.map((hit) => hit.message));
    ctx.body = {
      results: hits.map((hit, i) => ({ message: messages[i], chat: hit.chat, snippet: hit.snippet, highlights: hit.highlights })),
      nextCursor: hasMore && last ? encodeSearchCursor(last.cursor) : null,
    };
  });

  return router;
}
