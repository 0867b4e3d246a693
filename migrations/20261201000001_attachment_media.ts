import type { Knex } from 'knex';

// sha256: the download's ETag and an integrity record; voice: a recorded voice note rather than an
// audio file; the partial index serves the orphan-upload sweep without touching sent attachments.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('attachments', (t) => {
    t.text('sha256');
    t.boolean('voice').notNullable().defaultTo(false);
  });
  await knex.raw('CREATE INDEX attachments_unsent_created_at ON attachments (created_at) WHERE message_id IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS attachments_unsent_created_at');
  await knex.schema.alterTable('attachments', (t) => {
    t.dropColumn('voice');
    t.dropColumn('sha256');
  });
}
