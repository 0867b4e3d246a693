import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers, Model } from 'objection';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { migrateToLatest } from './migrate.ts';

// Sequence numbers and counts are int8; they stay far below 2^53, so numbers are safe and simpler.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface Database {
  knex: Knex;
  embedded: boolean;
  close(): Promise<void>;
}

export function createKnex(connectionString: string, poolMax = 10): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    // snake_case in SQL, camelCase in code, for models and plain queries alike.
    ...knexSnakeCaseMappers(),
  });
}

/** Opens the configured database (or starts the embedded one) and brings its schema up to date. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedDbPort, logger);
    connectionString = embedded.connectionString;
  }
  const knex = createKnex(connectionString);
  try {
    await migrateToLatest(knex, connectionString, logger);
  } catch (error) {
    await knex.destroy();
    await embedded?.stop();
    throw error;
  }
  Model.knex(knex);
  return {
    knex,
    embedded: Boolean(embedded),
    async close() {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}
