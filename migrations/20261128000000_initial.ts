import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('password_hash');
    t.text('avatar_url');
    t.text('role').notNullable().defaultTo('user');
    t.text('status').notNullable().defaultTo('active');
    t.text('clerk_id').unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`role IN ('user', 'admin')`);
    t.check(`status IN ('active', 'deactivated')`);
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_lower ON users (lower(email))');
  await knex.raw('CREATE INDEX users_name_lower ON users (lower(name))');

  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('user_agent');
    t.text('ip');
  });

  await knex.schema.createTable('chats', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('kind').notNullable();
    t.text('name');
    // "<smaller user id>:<larger user id>" so that one pair can only ever have one direct chat.
    t.text('direct_key').unique();
    t.uuid('created_by').references('users.id').onDelete('SET NULL');
    t.bigInteger('last_seq').notNullable().defaultTo(0);
    t.uuid('last_message_id');
    t.timestamp('last_message_at', { useTz: true });
    t.timestamp('archived_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`kind IN ('direct', 'group')`);
  });

  await knex.schema.createTable('chat_members', (t) => {
    t.uuid('chat_id').notNullable().references('chats.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role').notNullable().defaultTo('member');
    t.bigInteger('delivered_seq').notNullable().defaultTo(0);
    t.bigInteger('read_seq').notNullable().defaultTo(0);
    t.boolean('muted').notNullable().defaultTo(false);
    t.boolean('archived').notNullable().defaultTo(false);
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['chat_id', 'user_id']);
    t.index(['user_id']);
    t.check(`role IN ('owner', 'member')`);
  });

  await knex.schema.createTable('messages', (t) => {
    t.uuid('id').primary();
    t.uuid('chat_id').notNullable().references('chats.id').onDelete('CASCADE');
    t.bigInteger('seq').notNullable();
    t.uuid('sender_id').references('users.id').onDelete('SET NULL');
    t.text('client_id').notNullable();
    t.text('kind').notNullable().defaultTo('text');
    t.text('body').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('edited_at', { useTz: true });
    t.timestamp('deleted_at', { useTz: true });
    // Also the keyset index for history pages (chat_id, seq).
    t.unique(['chat_id', 'seq']);
    t.unique(['sender_id', 'client_id']);
    t.check(`kind IN ('text', 'media', 'system')`);
  });

  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('uploader_id').references('users.id').onDelete('SET NULL').index();
    t.uuid('message_id').references('messages.id').onDelete('SET NULL').index();
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('mime').notNullable();
    t.bigInteger('size').notNullable();
    t.integer('width');
    t.integer('height');
    t.integer('duration_ms');
    t.text('storage_key').notNullable();
    t.text('thumbnail_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check(`kind IN ('image', 'video', 'audio', 'file')`);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.uuid('actor_id').references('users.id').onDelete('SET NULL');
    t.text('action').notNullable();
    t.text('target_type');
    t.text('target_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.text('ip');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).index();
  });

  await knex.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['settings', 'audit_log', 'attachments', 'messages', 'chat_members', 'chats', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
