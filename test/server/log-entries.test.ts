import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createKnex } from '../../app/server/db/database.ts';
import { logRecordSchema } from '../../app/server/pipeline/log-record.ts';
import { migrations } from '../../migrations/index.ts';
import { applyMessages, lastPosition, ordered, stateFromEvents, type ChatState, type PresentedMessage } from '../support/message-state.ts';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';

const server = useTestServer();

const CLIENTS = 20;
const OPS_PER_CLIENT = 250;
const IN_FLIGHT = 10;
const EMOJI = ['👍', '❤️', '😂', '🎉', '👀', '🙏'];

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Everything the database says now, presented for one viewer, page by page through catch-up from 0. */
async function presentedFor(token: string, chatId: string): Promise<ChatState> {
  const state: ChatState = new Map();
  let after = 0;
  for (;;) {
    const page = await server.api(token).get(`/api/chats/${chatId}/messages?afterSeq=${after}&limit=200`);
    expect(page.status).toBe(200);
    const messages = page.body.messages as PresentedMessage[];
    applyMessages(state, messages);
    if (!page.body.hasMore) return state;
    after = messages.at(-1)!.updateSeq;
  }
}

describe('one ordered log under concurrent sends, edits, deletions and reactions', () => {
  it(`keeps seqs contiguous over ${CLIENTS * OPS_PER_CLIENT} mixed actions and every client ends where the database is`, async () => {
    const users = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => server.createUser({ name: `Member ${i}` })));
    const created = await server.api(users[0]!.token).post('/api/chats/groups', { name: 'Busy', memberIds: users.slice(1).map((u) => u.user.id) });
    const chatId = created.body.chat.id as string;
    const sockets = await Promise.all(users.map((u) => server.connect(u)));
    let refused = 0;

    async function act(socket: TestSocket, client: number, step: number, own: string[], reacted: { messageId: string; emoji: string }[]) {
      const everyone = socket.received<{ id: string; chatId: string }>('message:new').map((m) => m.id);
      const roll = Math.random();
      // The first steps only send, so there is something to act on.
      if (step < 10 || roll < 0.5 || everyone.length === 0) {
        const ack = await socket.emitAck('message:send', { chatId, clientId: `c${client}-${step}`, body: `m ${client}:${step}` });
        expect(ack.ok, JSON.stringify(ack)).toBe(true);
        own.push(ack.id as string);
        return;
      }
      const [event, payload] =
        roll < 0.65 && own.length > 0
          ? ['message:edit', { messageId: pick(own), body: `edited ${client}:${step}` }]
          : roll < 0.7 && own.length > 0
            ? ['message:delete', { messageId: own.splice(Math.floor(Math.random() * own.length), 1)[0]! }]
            : roll < 0.9 || reacted.length === 0
              ? ['reaction:add', (() => {
                  const reaction = { messageId: pick(everyone), emoji: pick(EMOJI) };
                  reacted.push(reaction);
                  return reaction;
                })()]
              : ['reaction:remove', reacted.splice(Math.floor(Math.random() * reacted.length), 1)[0]!];
      const ack = await socket.emitAck(event, payload);
      // Racing someone else's deletion (or one's own) is the only refusal expected.
      if (!ack.ok) {
        expect(ack.error?.code, `${event} ${JSON.stringify(ack)}`).toBe('not_found');
        refused += 1;
      }
    }

    await Promise.all(
      sockets.map(async (socket, client) => {
        const own: string[] = [];
        const reacted: { messageId: string; emoji: string }[] = [];
        for (let start = 0; start < OPS_PER_CLIENT; start += IN_FLIGHT) {
          await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, OPS_PER_CLIENT - start) }, (_, k) => act(socket, client, start + k, own, reacted)));
        }
      }),
    );

    const knex = server.running.services.knex;
    const { lastSeq } = (await knex('chats').where({ id: chatId }).first('lastSeq')) as { lastSeq: number };
    const seqs = ((await knex('entries').where({ chatId }).orderBy('seq').select('seq')) as { seq: number }[]).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    const types = (await knex('entries').where({ chatId }).groupBy('type').select('type').count<{ type: string; count: number }[]>('* as count'));
    // All kinds of entry took part.
    expect(types.map((t) => t.type).sort()).toEqual(['message.created', 'message.deleted', 'message.edited', 'reaction.added', 'reaction.removed']);
    expect(lastSeq).toBeLessThanOrEqual(CLIENTS * OPS_PER_CLIENT - refused);

    // The database's state once; each viewer's `me` follows from who reacted (checked per viewer elsewhere).
    const stored = ordered(await presentedFor(users[0]!.token, chatId));
    const asSeenBy = (userId: string) =>
      stored.map((m) => ({ ...m, reactions: m.reactions.map((r) => ({ ...r, me: r.userIds.includes(userId) })) }));
    for (const [i, socket] of sockets.entries()) {
      await socket.waitFor(() => lastPosition(socket, chatId) >= lastSeq, `client ${i} to hear entry ${lastSeq}`, 60_000);
      const positions = socket.events
        .filter(({ event, payload }) => (event === 'message:new' || event === 'message:updated') && payload.chatId === chatId)
        .map(({ event, payload }) => (event === 'message:new' ? payload.seq : payload.updateSeq) as number);
      expect(positions, `client ${i} hears each entry once, in order`).toEqual(seqs);
      expect(ordered(stateFromEvents(socket, chatId)), `client ${i} ends where the database is`).toEqual(asSeenBy(users[i]!.user.id));
    }
  }, 480_000);
});

describe('log entries', () => {
  it('reads records logged before entries were typed, and refuses unknown types', () => {
    const legacy = { id: randomUUID(), chatId: randomUUID(), senderId: randomUUID(), clientId: 'c1', kind: 'text', body: 'hi', acceptedAt: new Date().toISOString() };
    expect(logRecordSchema.parse(legacy)).toMatchObject({ type: 'message.created', actorId: legacy.senderId, body: 'hi', attachmentIds: [], replyToId: null, mentions: [] });
    expect(logRecordSchema.parse({ ...legacy, kind: 'system' })).toMatchObject({ type: 'chat.notice', actorId: legacy.senderId, body: 'hi' });
    expect(logRecordSchema.safeParse({ ...legacy, type: 'message.shouted', actorId: legacy.senderId }).success).toBe(false);
    expect(logRecordSchema.safeParse({ type: 'reaction.added', id: randomUUID(), chatId: randomUUID(), actorId: randomUUID(), messageId: randomUUID(), acceptedAt: new Date().toISOString() }).success).toBe(false);
  });

  it('moves existing messages into the log without loss: same seqs, notices structured where their sentence can be read', async () => {
    const adminUrl = inject('adminDatabaseUrl');
    const name = `chatflow_migrate_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const knex = createKnex(url.toString(), 2);
    const names = Object.keys(migrations).sort();
    const target = '20261201000200_chat_log_entries';
    const source = (upTo: string): Knex.MigrationSource<string> => ({
      getMigrations: async () => names.filter((n) => n <= upTo),
      getMigrationName: (n) => n,
      getMigration: async (n) => migrations[n]!,
    });
    try {
      await knex.migrate.latest({ migrationSource: source(names[names.indexOf(target) - 1]!) });
      const [ann, bo, cy] = ['Ann', 'Bo', 'Cy'].map(() => randomUUID()) as [string, string, string];
      await knex('users').insert([ann, bo, cy].map((id, i) => ({ id, email: `${id}@example.test`, name: ['Ann', 'Bo', 'Cy'][i] })));
      const chatId = randomUUID();
      await knex('chats').insert({ id: chatId, kind: 'group', name: 'Old', lastSeq: 7 });
      const bodies: [string, string, string][] = [
        [ann, 'text', 'hello there'],
        [ann, 'system', 'Ann added Bo, Cy'],
        [ann, 'system', 'Ann renamed the group to "New name"'],
        [bo, 'system', 'Bo left'],
        [ann, 'system', 'Ann removed Cy'],
        [ann, 'system', 'Ann archived the group'],
        [ann, 'system', 'Ann did something nobody parses'],
      ];
      const ids = bodies.map(() => randomUUID());
      await knex('messages').insert(bodies.map(([senderId, kind, body], i) => ({ id: ids[i], chatId, seq: i + 1, senderId, clientId: `c${i}`, kind, body })));

      await knex.migrate.latest({ migrationSource: source(target) });
      const entries = (await knex('entries').where({ chatId }).orderBy('seq').select('id', 'seq', 'type', 'actorId', 'messageId')) as { id: string; seq: number; type: string; actorId: string; messageId: string }[];
      expect(entries.map((e) => [e.seq, e.type])).toEqual([
        [1, 'message.created'], [2, 'member.added'], [3, 'chat.renamed'], [4, 'member.removed'], [5, 'member.removed'], [6, 'chat.archived'], [7, 'chat.notice'],
      ]);
      expect(entries.map((e) => e.messageId)).toEqual(ids);
      const messages = (await knex('messages').where({ chatId }).orderBy('seq').select('seq', 'updateSeq', 'body', 'event')) as { seq: number; updateSeq: number; body: string; event: unknown }[];
      expect(messages.map((m) => [m.seq, m.updateSeq, m.body])).toEqual(bodies.map(([, , body], i) => [i + 1, i + 1, body]));
      expect(messages.map((m) => m.event)).toEqual([
        null,
        { type: 'member.added', actorId: ann, userIds: [bo, cy] },
        { type: 'chat.renamed', actorId: ann, userIds: [], name: 'New name' },
        { type: 'member.removed', actorId: bo, userIds: [bo] },
        { type: 'member.removed', actorId: ann, userIds: [cy] },
        { type: 'chat.archived', actorId: ann, userIds: [], archived: true },
        null,
      ]);
    } finally {
      await knex.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
