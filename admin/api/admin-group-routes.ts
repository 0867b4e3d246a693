import Router from '@koa/router';
import { z } from 'zod';
import { addGroupMembers, changeGroupName, insertGroup, MAX_GROUP_MEMBERS, removeGroupMember } from '../../app/server/commands/chat-commands.ts';
import { changeGroupOwner, deleteGroup, requireGroup, setGroupArchived } from '../../app/server/commands/group-admin-commands.ts';
import { notFound } from '../../app/server/errors.ts';
import type { AppContext, AppCustom, AppState } from '../../app/server/http/context.ts';
import { likePattern } from '../../app/server/http/routes/user-routes.ts';
import { isUuid } from '../../app/server/ids.ts';
import { presentChat } from '../../app/server/presenters/chat.ts';
import { groupSummaries, loadGroupDetail, loadGroupSummary, presentGroupSummary } from '../../app/server/queries/admin-groups.ts';
import { loadChatView } from '../../app/server/queries/chat-views.ts';
import { chatName, searchQuery, userIdList } from '../../app/server/schemas/names.ts';
import { text } from '../../app/server/schemas/text.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { decodeNameCursor, encodeNameCursor, requireAdmin } from './require-admin.ts';

const groupName = chatName;
const memberIds = userIdList(MAX_GROUP_MEMBERS).max(MAX_GROUP_MEMBERS, `memberIds: a group has at most ${MAX_GROUP_MEMBERS} members`);
// The owner is ownerId when given, else the first of memberIds; the admin joins only if listed.
const createSchema = z
  .object({ name: groupName, memberIds, ownerId: z.uuid().optional() })
  .strict()
  .refine((input) => input.ownerId !== undefined || input.memberIds.length > 0, 'memberIds: a group needs at least one member or an ownerId');
const updateSchema = z
  .object({ name: groupName.optional(), archived: z.boolean().optional(), ownerId: z.uuid().optional() })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to change');
const addMembersSchema = z.object({ userIds: userIdList(MAX_GROUP_MEMBERS).min(1, 'userIds: at least one') }).strict();
const listSchema = z.object({
  query: searchQuery,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().max(400).optional(),
});

async function presentGroup(ctx: AppContext, chatId: string) {
  const group = await loadGroupSummary(ctx.services.knex, chatId);
  if (!group) throw notFound('Group');
  return { group };
}

export function adminGroupRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/groups', async (ctx) => {
    requireAdmin(ctx);
    const { query, limit, cursor } = validate(listSchema, ctx.query);
    const search = groupSummaries(ctx.services.knex).limit(limit + 1);
    if (query.trim()) search.whereILike('c.name', likePattern(query.trim()));
    if (cursor) {
      const [name, id] = decodeNameCursor(cursor);
      search.whereRaw('(lower(c.name), c.id) > (?, ?::uuid)', [name, id]);
    }
    const rows = await search;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    ctx.body = { groups: page.map(presentGroupSummary), nextCursor: rows.length > limit && last ? encodeNameCursor(last.name ?? '', last.id) : null };
  });

  router.post('/api/admin/groups', async (ctx) => {
    const admin = requireAdmin(ctx);
    const input = validate(createSchema, ctx.request.body);
    const ownerId = input.ownerId ?? input.memberIds[0]!;
    const chatId = await insertGroup(ctx.services, admin, { name: input.name, ownerId, memberIds: input.memberIds }, { ip: ctx.ip });
    const view = await loadChatView(ctx.services.knex, chatId);
    if (!view) throw notFound('Group');
    ctx.status = 201;
    ctx.body = { chat: presentChat(view, admin.id) };
  });

  router.get('/api/admin/groups/:id', async (ctx) => {
    requireAdmin(ctx);
    await requireGroup(ctx.services.knex, ctx.params.id!);
    const detail = await loadGroupDetail(ctx.services.knex, ctx.params.id!);
    if (!detail) throw notFound('Group');
    ctx.body = detail;
  });

  router.patch('/api/admin/groups/:id', async (ctx) => {
    const admin = requireAdmin(ctx);
    await requireGroup(ctx.services.knex, ctx.params.id!);
    const { name, archived, ownerId } = validate(updateSchema, ctx.request.body);
    if (ownerId !== undefined) await changeGroupOwner(ctx.services, admin, ctx.params.id!, ownerId, ctx.ip);
    if (name !== undefined) await changeGroupName(ctx.services, admin, ctx.params.id!, name, { ip: ctx.ip });
    if (archived !== undefined) await setGroupArchived(ctx.services, admin, ctx.params.id!, archived, ctx.ip);
    ctx.body = await presentGroup(ctx, ctx.params.id!);
  });

  router.post('/api/admin/groups/:id/members', async (ctx) => {
    const admin = requireAdmin(ctx);
    await requireGroup(ctx.services.knex, ctx.params.id!);
    const { userIds } = validate(addMembersSchema, ctx.request.body);
    await addGroupMembers(ctx.services, admin, ctx.params.id!, userIds, { ip: ctx.ip });
    ctx.body = await presentGroup(ctx, ctx.params.id!);
  });

  router.delete('/api/admin/groups/:id/members/:userId', async (ctx) => {
    const admin = requireAdmin(ctx);
    await requireGroup(ctx.services.knex, ctx.params.id!);
    if (!isUuid(ctx.params.userId!)) throw notFound('Member');
    await removeGroupMember(ctx.services, admin, ctx.params.id!, ctx.params.userId!, { ip: ctx.ip });
    ctx.status = 204;
  });

  router.delete('/api/admin/groups/:id', async (ctx) => {
    const admin = requireAdmin(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('Group');
    await deleteGroup(ctx.services, admin, ctx.params.id!, ctx.ip);
    ctx.status = 204;
  });

  return router;
}

