import type { Knex } from 'knex';

/**
 * Full-text search over message bodies, and trigram indexes for name lookups.
 *
 * The vector is a generated column of `body`, so an edit that rewrites the body or a deletion that
 * blanks it is reflected with no work by the writer. The 'simple' configuration neither stems nor
 * drops stop words: an organisation writes in many languages, and exact words are what people
 * search for in chat. The GIN index is partial: deleted messages and system notices never match.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED`);
  await knex.raw(`CREATE INDEX messages_search_vector ON messages USING gin (search_vector) WHERE deleted_at IS NULL AND kind <> 'system'`);
  if (!(await trigramAvailable(knex))) return;
  // Directory and group lookups match substrings (ILIKE '%text%'), which only a trigram index serves.
  await knex.raw('CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops)');
  await knex.raw('CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops)');
  await knex.raw(`CREATE INDEX chats_name_trgm ON chats USING gin (name gin_trgm_ops) WHERE kind = 'group'`);
}

/**
 * pg_trgm ships with PostgreSQL's contrib (the embedded binaries include it) and is a trusted
 * extension, so a database owner may create it. Without it searches still work, unindexed.
 */
async function trigramAvailable(knex: Knex): Promise<boolean> {
  const available = await knex.raw<{ rows: unknown[] }>(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
  if (available.rows.length === 0) return false;
  try {
    // A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
    await knex.transaction((trx) => trx.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm'));
    return true;
  } catch {
    return false;
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['chats_name_trgm', 'users_email_trgm', 'users_name_trgm', 'messages_search_vector']) {
    await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  }
  await knex.raw('ALTER TABLE messages DROP COLUMN IF EXISTS search_vector');
}
