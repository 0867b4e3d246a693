import Router from '@koa/router';
import { z } from 'zod';
import { deleteMessage, editMessage, setReaction } from '../../commands/message-actions.ts';
import { sendMessage } from '../../commands/message-sender.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import { authorize } from '../../policies/authorize.ts';
import { membershipFacts, requireMembership } from '../../policies/chat-policy.ts';
import { canSend } from '../../policies/message-policy.ts';
import { presentMessage } from '../../presenters/message.ts';
import { presentMessagePage } from '../../queries/message-attachments.ts';
import { MAX_PAGE, readMemberHistory } from '../../queries/message-history.ts';
import { editMessageSchema, messageRefSchema, reactionSchema, sendMessageSchema, seqSchema } from '../../schemas/message-schemas.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';

const querySeq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const historySchema = z.object({
  afterSeq: querySeq.optional(),
  beforeSeq: querySeq.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE, `limit: at most ${MAX_PAGE}`).default(50),
});
const readSchema = z.object({ seq: seqSchema });

/** A message id that is not even a uuid answers like any message one cannot see. */
function messageIdParam(id: string | undefined): string {
  if (!id || !isUuid(id)) throw notFound('Message');
  return id;
}

export function messageRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/chats/:id/messages', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const chatId = ctx.params.id!;
    if (!isUuid(chatId)) throw notFound('Chat');
    const query = historySchema.safeParse(ctx.query);
    const combined = query.success && query.data.afterSeq !== undefined && query.data.beforeSeq !== undefined;
    if (!query.success || combined) {
      // A non-member learns nothing, not even that the query was malformed: membership is checked first.
      await requireMembership(ctx.services.knex, chatId, user.id);
      validate(historySchema, ctx.query);
      throw invalidInput('afterSeq and beforeSeq cannot be combined');
    }
    const { afterSeq, beforeSeq, limit } = query.data;
    // Membership and page in one round trip.
    const page = await readMemberHistory(ctx.services.knex, chatId, user.id, afterSeq !== undefined ? { afterSeq, limit } : { beforeSeq, limit });
    if (!page) throw notFound('Chat');
    ctx.body = { messages: await presentMessagePage(ctx.services.knex, page.messages, user.id), hasMore: page.hasMore };
  });

  // For bots and integrations: the same path as the socket's message:send.
  router.post('/api/chats/:id/messages', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const chat = await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    // Free here (the membership row carries it); the writer checks again under the chat's row lock.
    authorize(canSend(...membershipFacts(chat, user)));
    const input = validate(sendMessageSchema, { ...(ctx.request.body as object), chatId: ctx.params.id });
    ctx.status = 201;
    ctx.body = await sendMessage(ctx.services, user, input);
  });

  router.patch('/api/messages/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const input = validate(editMessageSchema, { ...(ctx.request.body as object), messageId: messageIdParam(ctx.params.id) });
    ctx.body = { message: await editMessage(ctx.services, user, input) };
  });

  router.delete('/api/messages/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const { messageId } = validate(messageRefSchema, { messageId: messageIdParam(ctx.params.id) });
    await deleteMessage(ctx.services, user, messageId);
    ctx.status = 204;
  });

  for (const [method, add] of [['put', true], ['delete', false]] as const) {
    router[method]('/api/messages/:id/reactions/:emoji', async (ctx) => {
      const { user } = requirePrincipal(ctx);
      const { messageId, emoji } = validate(reactionSchema, { messageId: messageIdParam(ctx.params.id), emoji: ctx.params.emoji });
      await setReaction(ctx.services, user, messageId, emoji, add);
      ctx.status = 204;
    });
  }

  router.post('/api/chats/:id/read', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const chat = await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    const { seq } = validate(readSchema, ctx.request.body);
    await ctx.services.watermarks.advance(chat.chatId, user.id, { readSeq: seq });
    ctx.status = 204;
  });

  return router;
}
