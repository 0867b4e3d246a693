import type { Knex } from 'knex';
import { conflict, invalidInput, notFound } from '../errors.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { User, type UserRole, type UserStatus } from '../models/user.ts';
import { presentUser } from '../presenters/user.ts';
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
      // A generated password is known to whoever read it out: the person must choose their own.
      mustChangePassword: generated !== undefined,
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
    const losesAdmin = (input.role !== undefined && input.role !== 'admin') || input.status === 'deactivated';
    if (losesAdmin) await requireAnotherActiveAdmin(trx, userId);
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
  if (input.name !== undefined || input.status !== undefined) await announceUser(services, user);
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
    await User.query(trx).patch({ passwordHash, mustChangePassword: generated !== undefined, updatedAt: new Date() }).where({ id: userId });
    await audit(trx, { actorId: actor.id, action: 'user.password_reset', targetType: 'user', targetId: userId, details: { generated: generated !== undefined }, ip });
  });
  await services.identity.revokeSessions(userId);
  services.bus.endUser(userId, 'password_reset');
  return { password: generated };
}

/**
 * Refuses to leave the organisation without an active admin. Every active admin row is locked in
 * id order before the target's, so two admins demoting each other at once are serialized (never
 * deadlocked) and the second finds itself the last one.
 */
async function requireAnotherActiveAdmin(trx: Knex.Transaction, userId: string) {
  const admins = (await trx('users').where({ role: 'admin', status: 'active' }).orderBy('id').forUpdate().select('id')) as { id: string }[];
  if (admins.some((admin) => admin.id === userId) && admins.every((admin) => admin.id === userId)) {
    throw conflict('last_admin', 'This is the last active admin: make someone else an admin first.');
  }
}

/**
 * Tells everyone who shares a chat with the user (and the user's own other tabs) that their name,
 * avatar or status changed: `user:updated {user}`, so names and pictures change live. One query
 * for the user's chats and one emit to those rooms, as presence does.
 */
export async function announceUser(services: Pick<Services, 'knex' | 'bus' | 'logger'>, user: User): Promise<void> {
  try {
    const chats = (await services.knex('chatMembers').where({ userId: user.id }).select('chatId')) as { chatId: string }[];
    const payload = { user: presentUser(user) };
    services.bus.toChats(chats.map((chat) => chat.chatId), 'user:updated', payload);
    services.bus.toUser(user.id, 'user:updated', payload);
  } catch (error) {
    // Volatile like presence: a lost announcement is corrected by the next chat list load.
    services.logger.warn({ err: error, userId: user.id }, 'user change not announced');
  }
}

/** A person changes their own display name; audited and announced. */
export async function renameSelf(services: Services, user: User, name: string, ip?: string): Promise<User> {
  const updated = await services.knex.transaction(async (trx) => {
    const row = await User.query(trx).patchAndFetchById(user.id, { name: name.trim(), updatedAt: new Date() });
    await audit(trx, { actorId: user.id, action: 'user.profile_update', targetType: 'user', targetId: user.id, details: { name: row.name }, ip });
    return row;
  });
  await announceUser(services, updated);
  return updated;
}

/**
 * The other person of a new direct chat must exist (404) and be active: a deactivated account is
 * refused with 409 user_deactivated, so a client can say why instead of "not found".
 */
export async function requireReachableUser(knex: Knex, userId: string): Promise<void> {
  const row = (await knex('users').where({ id: userId }).first('status')) as { status: UserStatus } | undefined;
  if (!row) throw notFound('User');
  if (row.status !== 'active') throw conflict('user_deactivated', 'This person\'s account is deactivated: they cannot be messaged.');
}
