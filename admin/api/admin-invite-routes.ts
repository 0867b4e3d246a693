import Router from '@koa/router';
import { audit } from '../../app/server/commands/audit.ts';
import { notFound } from '../../app/server/errors.ts';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { isUuid } from '../../app/server/ids.ts';
import { createInvite, INVITE_COLUMNS, inviteInputSchema, inviteUrl, presentInvite, type InviteRow } from '../../app/server/registration/invites.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { requireAdmin } from './require-admin.ts';


/** Invite links for registration "by invite": the link is shown once, at creation. */
export function adminInviteRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/invites', async (ctx) => {
    requireAdmin(ctx);
    const rows = (await ctx.services.knex('invites').orderBy('createdAt', 'desc').limit(200).select(INVITE_COLUMNS)) as InviteRow[];
    ctx.body = { invites: rows.map(presentInvite) };
  });

  router.post('/api/admin/invites', async (ctx) => {
    const admin = requireAdmin(ctx);
    const input = validate(inviteInputSchema, ctx.request.body);
    const { row, token } = await createInvite(ctx.services.knex, admin.id, input, { ip: ctx.ip, by: 'admin' });
    ctx.status = 201;
    ctx.body = { invite: presentInvite(row), token, url: inviteUrl(`${ctx.protocol}://${ctx.host}`, token) };
  });

  router.delete('/api/admin/invites/:id', async (ctx) => {
    const admin = requireAdmin(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('Invite');
    await ctx.services.knex.transaction(async (trx) => {
      const revoked = await trx('invites').where({ id: ctx.params.id }).whereNull('revokedAt').update({ revokedAt: new Date() });
      if (revoked === 0) throw notFound('Invite');
      await audit(trx, { actorId: admin.id, action: 'invite.revoke', targetType: 'invite', targetId: ctx.params.id, ip: ctx.ip });
    });
    ctx.status = 204;
  });

  return router;
}
