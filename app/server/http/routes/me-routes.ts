import Router from '@koa/router';
import { z } from 'zod';
import { receiveAvatarFile, setAvatar } from '../../commands/avatar-commands.ts';
import { renameSelf } from '../../commands/user-commands.ts';
import { notFound } from '../../errors.ts';
import { isUuid } from '../../ids.ts';
import { User } from '../../models/user.ts';
import { presentSelf } from '../../presenters/user.ts';
import { newPassword, personName, typedPassword } from '../../schemas/names.ts';
import { validate } from '../../schemas/validate.ts';
import { MediaNotFoundError } from '../../storage/media-store.ts';
import { requirePrincipal, type AppCustom, type AppState } from '../context.ts';

const profileSchema = z
  .object({ name: personName.optional() })
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'nothing to change');
const passwordSchema = z.object({ currentPassword: typedPassword, password: newPassword }).strict();

/** A person's own account (PROTOCOL v1.1 "Sessions and delivery"): name, avatar, password. */
export function meRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.patch('/api/me', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    const { name } = validate(profileSchema, ctx.request.body);
    const updated = name === undefined ? user : await renameSelf(ctx.services, user, name, ctx.ip);
    ctx.body = { user: presentSelf(updated) };
  });

  // The only way out of a one-time password. Every other session of the user ends at once, this
  // one stays signed in.
  router.post('/api/me/password', async (ctx) => {
    const principal = requirePrincipal(ctx);
    const { currentPassword, password } = validate(passwordSchema, ctx.request.body);
    const ended = await ctx.services.identity.changePassword(principal, currentPassword, password);
    for (const sessionId of ended) ctx.services.bus.endSession(sessionId, 'password_reset');
    // Clerk sign-ins have no Chat-Flow session to keep: their sockets end with the others.
    if (!principal.sessionId) ctx.services.bus.endUser(principal.user.id, 'password_reset');
    ctx.status = 204;
  });

  router.put('/api/me/avatar', async (ctx) => {
    const { user } = requirePrincipal(ctx);
    await ctx.services.limits.consume('upload', user.id);
    const file = await receiveAvatarFile(ctx.req, ctx.req.headers);
    const updated = await setAvatar(ctx.services, user, file, ctx.ip);
    ctx.body = { user: presentSelf(updated) };
  });

  // Anyone signed in may see anyone's picture, as they see names in the directory.
  router.get('/api/users/:id/avatar', async (ctx) => {
    requirePrincipal(ctx);
    if (!isUuid(ctx.params.id!)) throw notFound('Avatar');
    const owner = await User.query(ctx.services.knex).findById(ctx.params.id!).select('avatarKey');
    if (!owner?.avatarKey) throw notFound('Avatar');
    const stream = await ctx.services.media.get(owner.avatarKey).catch((error: unknown) => {
      if (error instanceof MediaNotFoundError) throw notFound('Avatar');
      throw error;
    });
    ctx.type = 'image/webp';
    // The URL carries the picture's version, so a cached copy never outlives a change.
    ctx.set('Cache-Control', 'private, max-age=31536000, immutable');
    ctx.body = stream;
  });

  return router;
}
