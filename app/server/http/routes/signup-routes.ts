import Router from '@koa/router';
import { z } from 'zod';
import { hashPassword } from '../../auth/passwords.ts';
import { audit } from '../../commands/audit.ts';
import { AppError, conflict, forbidden } from '../../errors.ts';
import { User } from '../../models/user.ts';
import { presentSelf } from '../../presenters/user.ts';
import { spendInvite } from '../../registration/invites.ts';
import { validate } from '../../schemas/validate.ts';
import { SESSION_COOKIE, type AppCustom, type AppState } from '../context.ts';
import { inviteRoutes } from './invite-routes.ts';

const signupSchema = z
  .object({
    email: z.email().max(320),
    name: z.string().trim().min(1, 'name: must not be empty').max(100, 'name: at most 100 characters'),
    password: z.string().min(8, 'password: at least 8 characters').max(200, 'password: at most 200 characters'),
    invite: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Self-service accounts, as far as the admin's registration setting allows. */
export function signupRoutes() {
  const router = new Router<AppState, AppCustom>();

  // What the sign-in page needs to decide whether to offer sign-up.
  router.get('/api/auth/registration', async (ctx) => {
    const { registration, registrationDomain } = await ctx.services.settings.get();
    ctx.body = { mode: registration, domain: registration === 'domain' ? registrationDomain : null };
  });

  router.post('/api/auth/signup', async (ctx) => {
    // Each attempt draws on the address's sign-in budget: slows down account farming and invite guessing.
    await ctx.services.limits.consume('login-address', ctx.ip);
    const input = validate(signupSchema, ctx.request.body);
    const { registration, registrationDomain, builtInAccounts } = await ctx.services.settings.get();
    if (!builtInAccounts) throw new AppError(403, 'password_sign_in_disabled', 'Accounts with a password are turned off: use your organisation\'s sign-in.');
    if (registration === 'closed') throw forbidden('Sign-up is closed: ask an admin for an account.');
    const domain = input.email.split('@').pop()!.toLowerCase();
    if (registration === 'domain' && domain !== registrationDomain) throw forbidden(`Sign-up is open to @${registrationDomain} addresses only.`);
    if (registration === 'invite' && !input.invite) throw forbidden('Sign-up needs an invite link from an admin.');
    const passwordHash = await hashPassword(input.password);
    const user = await ctx.services.knex.transaction(async (trx) => {
      const inviteId = registration === 'invite' ? await spendInvite(trx, input.invite!) : null;
      if (registration === 'invite' && !inviteId) throw forbidden('This invite link is not valid any more: ask an admin for a new one.');
      const taken = await User.query(trx).whereRaw('lower(email) = lower(?)', [input.email]).first();
      if (taken) throw conflict('email_taken', 'An account with that email already exists.');
      const created = await User.query(trx).insertAndFetch({ email: input.email.trim(), name: input.name, passwordHash, role: 'user', status: 'active' });
      await audit(trx, { actorId: created.id, action: 'user.signup', targetType: 'user', targetId: created.id, details: { email: created.email, via: registration, inviteId }, ip: ctx.ip });
      return created;
    });
    const { token, expiresAt } = await ctx.services.identity.startSession(user, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
    ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, expires: expiresAt, overwrite: true });
    ctx.status = 201;
    ctx.body = { token, user: presentSelf(user) };
  });

  // Invite links members make from the chat UI, mounted with sign-up.
  const invites = inviteRoutes();
  router.use(invites.routes(), invites.allowedMethods());

  return router;
}
