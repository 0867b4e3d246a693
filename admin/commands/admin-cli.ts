// `npm run admin -- <command>`: operator commands that work on the configured database (the
// embedded one in CHATFLOW_DATA_DIR included) while the server is stopped.
import { loadConfig } from '../../app/server/config.ts';
import { openDatabase } from '../../app/server/db/database.ts';
import { toAppError } from '../../app/server/errors.ts';
import { createLogger } from '../../app/server/logger.ts';
import { resetPasswordByEmail } from './password-reset.ts';

const USAGE = 'Usage: npm run admin -- reset-password EMAIL';

async function main(args: string[]): Promise<number> {
  const [command, email, ...rest] = args;
  if (command !== 'reset-password' || !email || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  // Only warnings: the one line the operator needs should not drown in start-up logs.
  const database = await openDatabase(config, createLogger('warn'));
  try {
    const { user, password } = await resetPasswordByEmail(database.knex, email);
    process.stdout.write(`${user.email} can now sign in with the one-time password ${password}\n(a new password must be chosen right after; every session of this account has ended)\n`);
    return 0;
  } catch (error) {
    const appError = toAppError(error);
    if (appError.status === 404) {
      process.stderr.write(`No account has the email ${email}.\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

// Exits explicitly: the embedded database's exit hooks would otherwise turn a failure into 0.
process.exit(await main(process.argv.slice(2)));
