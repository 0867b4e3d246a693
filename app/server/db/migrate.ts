import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { migrations } from '../../../migrations/index.ts';

// Any fixed number works; it only has to be the same for every replica.
const MIGRATION_LOCK_KEY = 74_201_311;

class ListedMigrations implements Knex.MigrationSource<string> {
  async getMigrations() {
    return Object.keys(migrations).sort();
  }
  getMigrationName(name: string) {
    return name;
  }
  async getMigration(name: string) {
    return migrations[name]!;
  }
}

/**
 * Runs the migrations under a PostgreSQL advisory lock held on its own connection: replicas
 * starting together wait for each other instead of failing on knex's own lock table.
 */
export async function migrateToLatest(knex: Knex, connectionString: string, logger: Logger): Promise<void> {
  const lockClient = new pg.Client({ connectionString });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const [, applied] = (await knex.migrate.latest({ migrationSource: new ListedMigrations() })) as [number, string[]];
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}
