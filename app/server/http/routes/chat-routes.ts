import Router from '@koa/router';
import { z } from 'zod';
import { addMembers, createGroup, MAX_GROUP_MEMBERS, openDirectChat, removeMember, renameGroup } from '../../commands/chat-commands.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import { requireMembership } from '../../policies/chat-policy.ts';
import { presentChat } from '../../presenters/chat.ts';
import { listChatViews, loadChatView } from '../../queries/chat-views.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppContext, type AppCustom, type AppState } from '../context.ts';

const chatName = z.string().trim().min(1, 'name: must not be empty').max(100, 'name: at most 100 characters');
const directSchema = z.object({ userId: z.uuid() });
const groupSchema = z.object({ name: chatName, memberIds: z.array(z.uuid()).max(MAX_GROUP_MEMBERS) });
const renameSchema = z.object({ name: chatName });
const addMembersSchema = z.object({ userIds: z.array(z.uuid()).min(1).max(MAX_GROUP_MEMBERS) });
const membershipSchema = z
  .object({ muted: z.boolean().optional(), archived: z.boolean().optional() })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to change');

async function presentOne(ctx: AppContext, chatId: string, viewerId: string) {
  const view = await loadChatView(ctx.services.knex, chatId, [viewerId]);
  if (!view) throw notFound('Chat');
  return { chat: presentChat(view, viewerId) };
}

export function chatRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/chats', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const views = await listChatViews(ctx.services.knex, user.id);
    ctx.body = { chats: views.map((view) => presentChat(view, user.id)) };
  });

  router.get('/api/chats/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    ctx.body = await presentOne(ctx, ctx.params.id!, user.id);
  });

  router.post('/api/chats/direct', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const { userId } = validate(directSchema, ctx.request.body);
    const { chatId, created } = await openDirectChat(ctx.services, user, userId);
    ctx.status = created ? 201 : 200;
    ctx.body = await presentOne(ctx, chatId, user.id);
  });

  router.post('/api/chats/groups', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const { name, memberIds } = validate(groupSchema, ctx.request.body);
    const chatId = await createGroup(ctx.services, user, name, memberIds);
    ctx.status = 201;
    ctx.body = await presentOne(ctx, chatId, user.id);
  });

  router.patch('/api/chats/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    const { name } = validate(renameSchema, ctx.request.body);
    await renameGroup(ctx.services, user, ctx.params.id!, name);
    ctx.body = await presentOne(ctx, ctx.params.id!, user.id);
  });

  // One's own settings for a chat: muted chats send no notifications; archived ones are tucked away.
  router.patch('/api/chats/:id/membership', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    const settings = validate(membershipSchema, ctx.request.body);
    await ctx.services.knex('chatMembers').where({ chatId: ctx.params.id, userId: user.id }).update(settings);
    const presented = await presentOne(ctx, ctx.params.id!, user.id);
    ctx.services.bus.toUser(user.id, 'chat:updated', presented);
    ctx.body = presented;
  });

  router.post('/api/chats/:id/members', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    const { userIds } = validate(addMembersSchema, ctx.request.body);
    await addMembers(ctx.services, user, ctx.params.id!, userIds);
    ctx.body = await presentOne(ctx, ctx.params.id!, user.id);
  });

  router.delete('/api/chats/:id/members/:userId', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    if (!isUuid(ctx.params.userId!)) throw notFound('Member');
    await removeMember(ctx.services, user, ctx.params.id!, ctx.params.userId!);
    ctx.status = 204;
  });

  return router;
}
