import type { Knex } from 'knex';

// Accounts people manage themselves: a generated (one-time) password must be replaced before
// anything else works, and an uploaded avatar lives in the media store under avatar_key.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.text('avatar_key');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('avatar_key');
    t.dropColumn('must_change_password');
  });
}
