import type { Knex } from 'knex';
import { generatePassword, hashPassword } from '../../app/server/auth/passwords.ts';
import { audit } from '../../app/server/commands/audit.ts';
import { notFound } from '../../app/server/errors.ts';
import { User } from '../../app/server/models/user.ts';

/**
 * Recovery from the command line (an operator locked out of every admin account): gives the
 * account with this email a new one-time password, ends its sessions and records it in the audit
 * log with no actor. Works on the database alone, so it needs no running server.
 */
export async function resetPasswordByEmail(knex: Knex, email: string): Promise<{ user: User; password: string }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await knex.transaction(async (trx) => {
    const found = await User.query(trx).whereRaw('lower(email) = lower(?)', [email.trim()]).forUpdate().first();
    if (!found) throw notFound('Account');
    const updated = await User.query(trx).patchAndFetchById(found.id, { passwordHash, mustChangePassword: true, updatedAt: new Date() });
    await trx('sessions').where({ userId: found.id }).whereNull('revokedAt').update({ revokedAt: new Date() });
    await audit(trx, { actorId: null, action: 'user.password_reset', targetType: 'user', targetId: found.id, details: { generated: true, via: 'cli' } });
    return updated;
  });
  return { user, password };
}
