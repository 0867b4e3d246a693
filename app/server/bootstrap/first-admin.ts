import type { Knex } from 'knex';
import { createUser } from '../commands/user-commands.ts';
import type { Config } from '../config.ts';
import { toAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

const DEFAULT_ADMIN_EMAIL = 'admin@chatflow.local';

/**
 * On a database with no account, creates the first admin from CHATFLOW_ADMIN_EMAIL/PASSWORD, or
 * with a generated password printed once. Replicas starting together meet on the unique email.
 */
export async function ensureFirstAdmin(knex: Knex, config: Config, logger: Logger): Promise<void> {
  const [{ count }] = (await knex('users').count('* as count')) as [{ count: number }];
  if (Number(count) > 0) return;
  const email = config.admin.email ?? DEFAULT_ADMIN_EMAIL;
  try {
    const { password } = await createUser(knex, null, { email, name: 'Administrator', password: config.admin.password, role: 'admin' });
    if (password) {
      // Shown once, on the console only: the operator needs it to sign in the first time.
      process.stdout.write(`\nChat-Flow first start: sign in as ${email} with the one-time password ${password}\n\n`);
    }
    logger.info({ email }, 'first admin created');
  } catch (error) {
    // Another replica created it first (seen by our check, or only by the unique index).
    if (toAppError(error).status !== 409) throw error;
  }
}
