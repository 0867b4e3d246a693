import type { Knex } from 'knex';

// The admin console's data: when each person was last seen, invite links for registration, and
// the indexes behind the audit log's filters (by person or action, newest first).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.timestamp('last_seen_at', { useTz: true });
  });
  await knex.schema.createTable('invites', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // Only a hash of the link's secret is kept, so a database dump cannot be used to sign up.
    t.text('token_hash').notNullable().unique();
    t.uuid('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('max_uses').notNullable();
    t.integer('uses').notNullable().defaultTo(0);
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('uses >= 0 AND max_uses >= 1');
  });
  await knex.raw('CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id, id DESC)');
  await knex.raw('CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS audit_log_action_idx');
  await knex.raw('DROP INDEX IF EXISTS audit_log_actor_id_idx');
  await knex.schema.dropTableIfExists('invites');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_seen_at');
  });
}
