import type { Knex } from 'knex';

// Link previews, cached by URL: what a page's card shows and its image, re-encoded small (so every
// replica serves it from the database). A failed fetch is kept too, so it is not retried at once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('link_previews', (t) => {
    // The digest of the URL: URLs can be long, and the key is only ever looked up whole.
    t.text('url_hash').primary();
    t.text('url').notNullable();
    t.text('status').notNullable();
    t.text('title');
    t.text('description');
    t.text('site_name');
    t.binary('image');
    t.text('image_type');
    t.timestamp('fetched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.check("status IN ('ok', 'failed')");
  });
  // Long-expired cards are pruned by age.
  await knex.raw('CREATE INDEX link_previews_expires_at_idx ON link_previews (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('link_previews');
}
