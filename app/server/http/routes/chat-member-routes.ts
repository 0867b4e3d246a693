import Router from '@koa/router';
import { requireMembership } from '../../policies/chat-policy.ts';
import { presentUser } from '../../presenters/user.ts';
import { readMembers } from '../../queries/chat-members.ts';
import { encodeMemberCursor, memberPageSchema } from '../../schemas/member-page-schemas.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';

/** The full member list of a chat, paged: chat payloads embed only the first members of big groups. */
export function chatMemberRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/chats/:id/members', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const chat = await requireMembership(ctx.services.knex, ctx.params.id!, user.id);
    const page = validate(memberPageSchema, ctx.query);
    const { members, hasMore } = await readMembers(ctx.services.knex, chat.chatId, page);
    const last = members[members.length - 1];
    ctx.body = {
      members: members.map((m) => ({ user: presentUser(m.user), role: m.role, deliveredSeq: m.deliveredSeq, readSeq: m.readSeq })),
      nextCursor: hasMore && last ? encodeMemberCursor(last.cursor) : null,
    };
  });

  return router;
}
