import type { Knex } from 'knex';

/**
 * A chat becomes one ordered stream of typed entries (messages, edits, deletions, reactions,
 * membership notices); messages and reactions are the current state the writer keeps from it.
 * Existing messages keep their seqs and become message.created entries; existing system notices
 * become structured entries where their sentence can be read, and keep their text as a fallback.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('entries', (t) => {
    t.uuid('id').primary();
    t.uuid('chat_id').notNullable().references('chats.id').onDelete('CASCADE');
    t.bigInteger('seq').notNullable();
    t.text('type').notNullable();
    t.uuid('actor_id').references('users.id').onDelete('SET NULL');
    // Not a foreign key: the entry outlives nothing, but deletes of messages must not be blocked.
    t.uuid('message_id');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['chat_id', 'seq']);
  });

  await knex.schema.alterTable('messages', (t) => {
    // The seq of the last entry that changed this message: catch-up returns what changed after a seq.
    t.bigInteger('update_seq');
    t.uuid('reply_to_id');
    t.specificType('mentions', 'uuid[]').notNullable().defaultTo('{}');
    t.text('mention_all');
    // A membership notice: {type, actorId, userIds, name?, archived?}; body keeps a plain sentence.
    t.jsonb('event');
    t.check(`mention_all IN ('all', 'here')`, [], 'messages_mention_all_check');
  });
  await knex.raw('UPDATE messages SET update_seq = seq');
  await knex.raw('ALTER TABLE messages ALTER COLUMN update_seq SET NOT NULL');
  // A message written without one (imports, tools, fixtures) was last changed by its own entry.
  await knex.raw(`CREATE FUNCTION messages_default_update_seq() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN NEW.update_seq := COALESCE(NEW.update_seq, NEW.seq); RETURN NEW; END $$`);
  await knex.raw('CREATE TRIGGER messages_default_update_seq BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION messages_default_update_seq()');
  await knex.raw('CREATE INDEX messages_chat_update_seq ON messages (chat_id, update_seq)');

  await knex.schema.createTable('reactions', (t) => {
    t.uuid('message_id').notNullable().references('messages.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('emoji').notNullable();
    // The seq of the entry that added it: reactions are listed in log order, identically everywhere.
    t.bigInteger('seq').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['message_id', 'user_id', 'emoji']);
  });

  await structureNotices(knex);
  await knex.raw(
    `INSERT INTO entries (id, chat_id, seq, type, actor_id, message_id, data, created_at)
     SELECT id, chat_id, seq, COALESCE(event->>'type', CASE WHEN kind = 'system' THEN 'chat.notice' ELSE 'message.created' END),
            sender_id, id, '{}'::jsonb, created_at
       FROM messages`,
  );
}

interface NoticeRow {
  id: string;
  chatId: string;
  senderId: string | null;
  senderName: string | null;
  body: string;
}

/** Reads the sentences the server used to write ("Ann added Bo, Cy", "Ann left", ...). */
async function structureNotices(knex: Knex): Promise<void> {
  const notices = (await knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').where('m.kind', 'system')
    .select('m.id', 'm.chatId', 'm.senderId', 'u.name as senderName', 'm.body')) as NoticeRow[];
  if (notices.length === 0) return;
  const users = (await knex('users').select('id', 'name')) as { id: string; name: string }[];
  const byName = new Map<string, string | null>();
  // A name two people share cannot be resolved: it stays in the fallback sentence only.
  for (const user of users) byName.set(user.name, byName.has(user.name) ? null : user.id);
  const ids: string[] = [];
  const events: string[] = [];
  for (const notice of notices) {
    const event = parseNotice(notice, byName);
    if (!event) continue;
    ids.push(notice.id);
    events.push(JSON.stringify(event));
  }
  if (ids.length === 0) return;
  await knex.raw('UPDATE messages m SET event = v.event FROM unnest(?::uuid[], ?::jsonb[]) AS v(id, event) WHERE m.id = v.id', [ids, events]);
}

function parseNotice(notice: NoticeRow, byName: Map<string, string | null>) {
  if (!notice.senderId || !notice.senderName || !notice.body.startsWith(`${notice.senderName} `)) return null;
  const rest = notice.body.slice(notice.senderName.length + 1);
  const actorId = notice.senderId;
  const resolve = (names: string[]) => {
    const found = names.map((name) => byName.get(name));
    return found.every((id): id is string => typeof id === 'string') ? found : null;
  };
  if (rest === 'left') return { type: 'member.removed', actorId, userIds: [actorId] };
  if (rest === 'archived the group') return { type: 'chat.archived', actorId, userIds: [], archived: true };
  if (rest === 'reopened the group') return { type: 'chat.archived', actorId, userIds: [], archived: false };
  const renamed = /^renamed the group to "(.*)"$/s.exec(rest);
  if (renamed) return { type: 'chat.renamed', actorId, userIds: [], name: renamed[1]! };
  if (rest.startsWith('added ')) {
    const userIds = resolve(rest.slice('added '.length).split(', '));
    return userIds ? { type: 'member.added', actorId, userIds } : null;
  }
  if (rest.startsWith('removed ')) {
    const userIds = resolve([rest.slice('removed '.length)]);
    return userIds ? { type: 'member.removed', actorId, userIds } : null;
  }
  return null;
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reactions');
  await knex.schema.dropTableIfExists('entries');
  await knex.raw('DROP INDEX IF EXISTS messages_chat_update_seq');
  await knex.raw('DROP TRIGGER IF EXISTS messages_default_update_seq ON messages');
  await knex.raw('DROP FUNCTION IF EXISTS messages_default_update_seq()');
  await knex.schema.alterTable('messages', (t) => {
    t.dropChecks('messages_mention_all_check');
    t.dropColumns('update_seq', 'reply_to_id', 'mentions', 'mention_all', 'event');
  });
}
