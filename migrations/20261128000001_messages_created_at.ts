import type { Knex } from 'knex';

// BRIN: messages arrive in time order, so a tiny block-range index serves the admin stats'
// "last 14 days" scan without adding per-insert cost to the message path.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX messages_created_at_brin ON messages USING brin (created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS messages_created_at_brin');
}
