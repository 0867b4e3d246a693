import type { Knex } from 'knex';
import { conflict, invalidInput, notFound } from '../errors.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { User, type UserRole, type UserStatus } from '../models/user.ts';
import type { Services } from '../services.ts';
import { audit } from './audit.ts';

export interface CreateUserInput {
  email: string;
  name: string;
  password?: string;
  role?: UserRole;
}

/** Creates an account; without a password a one-time one is generated and returned once. */
export async function createUser(knex: Knex, actor: User | null, input: CreateUserInput, ip?: string) {
  const generated = input.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(input.password ?? generated!);
  const user = await knex.transaction(async (trx) => {
    const taken = await User.query(trx).whereRaw('lower(email) = lower(?)', [input.email]).first();
    if (taken) throw conflict('email_taken', 'An account with that email already exists.');
    const created = await User.query(trx).insertAndFetch({
      email: input.email.trim(),
      name: input.name.trim(),
      passwordHash,
      role: input.role ?? 'user',
      status: 'active',
    });
    await audit(trx, { actorId: actor?.id ?? null, action: 'user.create', targetType: 'user', targetId: created.id, details: { email: created.email, role: created.role }, ip });
    return created;
  });
  return { user, password: generated };
}

export interface UpdateUserInput {
  name?: string;
  role?: UserRole;
  status?: UserStatus;
}

/** Changes a user; deactivation ends every session and disconnects every socket at once. */
export async function updateUser(services: Services, actor: User, userId: string, input: UpdateUserInput, ip?: string) {
  if (userId === actor.id && ((input.role && input.role !== 'admin') || input.status === 'deactivated')) {
    throw invalidInput('You cannot demote or deactivate yourself.');
  }
  const user = await services.knex.transaction(async (trx) => {
    const existing = await User.query(trx).findById(userId).forUpdate();
    if (!existing) throw notFound('User');
    const patch = { ...input, ...(input.name ? { name: input.name.trim() } : {}), updatedAt: new Date() };
    const updated = await User.query(trx).patchAndFetchById(userId, patch);
    await audit(trx, { actorId: actor.id, action: 'user.update', targetType: 'user', targetId: userId, details: { ...input }, ip });
    return updated;
  });
  if (input.status === 'deactivated') {
    await services.identity.revokeSessions(userId);
    services.bus.endUser(userId, 'deactivated');
  }
  return user;
}

/**
 * Sets a user's password (or a generated one-time one, returned once), then ends every session and
 * disconnects every socket, so whoever held the old credentials is out at once.
 */
export async function resetPassword(services: Services, actor: User, userId: string, password: string | undefined, ip?: string) {
  const generated = password ? undefined : generatePassword();
  const passwordHash = await hashPassword(password ?? generated!);
  await services.knex.transaction(async (trx) => {
    const existing = await User.query(trx).findById(userId).forUpdate();
    if (!existing) throw notFound('User');
    await User.query(trx).patch({ passwordHash, updatedAt: new Date() }).where({ id: userId });
    await audit(trx, { actorId: actor.id, action: 'user.password_reset', targetType: 'user', targetId: userId, details: { generated: generated !== undefined }, ip });
  });
  await services.identity.revokeSessions(userId);
  services.bus.endUser(userId, 'password_reset');
  return { password: generated };
}
