import Router from '@koa/router';
import { forbidden, notFound } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import type { User } from '../../models/user.ts';
import { createInvite, INVITE_COLUMNS, inviteInputSchema, inviteUrl, presentInvite, type InviteRow } from '../../registration/invites.ts';
import type { Settings } from '../../settings/settings-service.ts';
import { validate } from '../../schemas/validate.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';
import { audit } from '../../commands/audit.ts';

/** Members invite only while registration is "invite" and an admin allowed it; admins whenever it is "invite". */
const mayInvite = (user: User, settings: Settings) => settings.registration === 'invite' && (user.role === 'admin' || settings.membersMayInvite);

/** Invite links made by members from the chat UI: their own links, rate limited and audited. */
export function inviteRoutes() {
  const router = new Router<AppState, AppCustom>();

  // Whether the UI offers "Invite people", and the links this person made.
  router.get('/api/invites', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const allowed = mayInvite(user, await ctx.services.settings.get());
    const rows = (await ctx.services.knex('invites').where({ createdBy: user.id }).orderBy('createdAt', 'desc').limit(50).select(INVITE_COLUMNS)) as InviteRow[];
    ctx.body = { allowed, invites: rows.map(presentInvite) };
  });

  router.post('/api/invites', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const input = validate(inviteInputSchema, ctx.request.body);
    if (!mayInvite(user, await ctx.services.settings.get())) throw forbidden('Invite links are not open to members here: ask an admin.');
    await ctx.services.limits.consume('invite-create', user.id);
    const { row, token } = await createInvite(ctx.services.knex, user.id, input, { ip: ctx.ip, by: user.role === 'admin' ? 'admin' : 'member' });
    ctx.status = 201;
    ctx.body = { invite: presentInvite(row), token, url: inviteUrl(`${ctx.protocol}://${ctx.host}`, token) };
  });

  // One's own links only; anyone else's answers 404 like one that does not exist.
  router.delete('/api/invites/:id', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('Invite');
    await ctx.services.knex.transaction(async (trx) => {
      const revoked = await trx('invites').where({ id: ctx.params.id, createdBy: user.id }).whereNull('revokedAt').update({ revokedAt: new Date() });
      if (revoked === 0) throw notFound('Invite');
      await audit(trx, { actorId: user.id, action: 'invite.revoke', targetType: 'invite', targetId: ctx.params.id, ip: ctx.ip });
    });
    ctx.status = 204;
  });

  return router;
}
