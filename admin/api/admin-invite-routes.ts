import Router from '@koa/router';
import { z } from 'zod';
import { audit } from '../../app/server/commands/audit.ts';
import { notFound } from '../../app/server/errors.ts';
import type { AppCustom, AppState } from '../../app/server/http/context.ts';
import { isUuid } from '../../app/server/ids.ts';
import { inviteTokenHash, newInviteToken, presentInvite, type InviteRow } from '../../app/server/registration/invites.ts';
import { validate } from '../../app/server/schemas/validate.ts';
import { requireAdmin } from './require-admin.ts';

const createSchema = z
  .object({
    expiresInDays: z.number().int().min(1, 'expiresInDays: at least 1').max(90, 'expiresInDays: at most 90'),
    maxUses: z.number().int().min(1, 'maxUses: at least 1').max(1000, 'maxUses: at most 1000'),
  })
  .strict();

const COLUMNS = ['id', 'createdBy', 'expiresAt', 'maxUses', 'uses', 'revokedAt', 'createdAt'];

/** Invite links for registration "by invite": the link is shown once, at creation. */
export function adminInviteRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/admin/invites', async (ctx) => {
    requireAdmin(ctx);
    const rows = (await ctx.services.knex('invites').orderBy('createdAt', 'desc').limit(200).select(COLUMNS)) as InviteRow[];
    ctx.body = { invites: rows.map(presentInvite) };
  });

  router.post('/api/admin/invites', async (ctx) => {
    const admin = requireAdmin(ctx);
    const { expiresInDays, maxUses } = validate(createSchema, ctx.request.body);
    const token = newInviteToken();
    const row = await ctx.services.knex.transaction(async (trx) => {
      const [created] = (await trx('invites')
        .insert({ tokenHash: inviteTokenHash(token), createdBy: admin.id, expiresAt: new Date(Date.now() + expiresInDays * 86_400_000), maxUses })
        .returning(COLUMNS)) as InviteRow[];
      await audit(trx, { actorId: admin.id, action: 'invite.create', targetType: 'invite', targetId: created!.id, details: { expiresInDays, maxUses }, ip: ctx.ip });
      return created!;
    });
    ctx.status = 201;
    ctx.body = { invite: presentInvite(row), token, url: `${ctx.protocol}://${ctx.host}/?invite=${token}` };
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
