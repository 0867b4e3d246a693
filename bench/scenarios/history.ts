import type { Knex } from 'knex';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createKnex } from '../../app/server/db/database.ts';
import { searchQuery } from '../../app/server/queries/search.ts';
import { searchQuerySchema } from '../../app/server/schemas/search-schemas.ts';
import { ChatFlowProcess } from '../lib/chat-flow-process.ts';
import type { BenchContext } from '../lib/context.ts';
import { freshDatabase } from '../lib/environment.ts';
import type { Figure } from '../lib/figures.ts';
import { FULL } from '../lib/options.ts';
import { login, seedMessages, seedSharedChats } from '../lib/seed.ts';
import { spread, within } from '../lib/stats.ts';

const PER_CHAT = 1000;
const ROUNDS = 60;
const SEARCH_ROUNDS = 20;
const SYNC_PAGE = 500;
const PAGE = 50;
/** A mix of what people type: one word, two, a phrase, an exclusion, a rare word, a word being typed, a filter. */
const QUERIES: Record<string, string>[] = [{ query: 'alpha' }, { query: 'needle' }, { query: 'alpha bravo' }, { query: '"golf hotel"' }, { query: 'charlie -delta' }, { query: 'nee' }];

// The keyset query chat:sync runs (app/server/queries/message-history.ts, readSince), sent as is.
const SINCE_SQL = `SELECT m.id, m.chat_id AS "chatId", m.seq, m.client_id AS "clientId", m.sender_id AS "senderId",
            u.name AS "senderName", m.kind, m.body, m.created_at AS "createdAt", m.edited_at AS "editedAt",
            m.deleted_at AS "deletedAt", m.update_seq AS "updateSeq", m.reply_to_id AS "replyToId",
            m.mentions, m.mention_all AS "mentionAll", m.event
       FROM unnest($1::uuid[], $2::bigint[]) AS p(chat_id, after_seq)
       CROSS JOIN LATERAL (
         SELECT * FROM messages WHERE chat_id = p.chat_id AND update_seq > p.after_seq ORDER BY update_seq LIMIT $3
       ) m
       LEFT JOIN users u ON u.id = m.sender_id
      ORDER BY m.chat_id, m.update_seq`;

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return within(30_000, 'the history socket', new Promise((resolve, reject) => {
    socket.once('ready', () => resolve(socket));
    socket.once('connect_error', reject);
  }));
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await task();
  return performance.now() - t0;
}

/**
 * History, catch-up and search over one big table (rows loaded in bulk, PER_CHAT per chat): each
 * request through Chat-Flow next to the same query sent straight to PostgreSQL with pg.
 */
export async function runHistory(context: BenchContext, which: { history: boolean; search: boolean }): Promise<void> {
  const rows = context.options.historyRows;
  const chats = rows / PER_CHAT;
  const size = rows < FULL.historyRows ? `${rows.toLocaleString('en-US')} messages over ${chats} chats (full size ${FULL.historyRows.toLocaleString('en-US')} over 1,000)` : `${rows.toLocaleString('en-US')} messages over ${chats} chats`;
  const database = await freshDatabase('history');
  const server = await ChatFlowProcess.start('history', { databaseUrl: database.url });
  const knex = createKnex(database.url, 2);
  const client = new pg.Client({ connectionString: database.url });
  let socket: Socket | undefined;
  try {
    const seeded = await seedSharedChats(database.url, 5, chats);
    const loadStarted = performance.now();
    await seedMessages(database.url, seeded.chatIds, seeded.userIds, rows);
    context.log(`history: ${size} loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    const [token] = await login(server.url, seeded.emails.slice(0, 1));
    const headers = { authorization: `Bearer ${token}` };
    const viewer = seeded.userIds[0]!;
    await client.connect();
    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}`, { headers });
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const sql = (query: Knex.QueryBuilder) => {
      const native = query.toSQL().toNative();
      return client.query(native.sql, native.bindings as unknown[]);
    };
    const chatAt = (round: number) => seeded.chatIds[(round * 7919) % chats]!;
    const figures: Figure[] = [];
    const push = (id: string, scenario: string, label: string, api: number[], direct: number[], baselineLabel: string, target?: Figure['target']) => {
      const a = spread(api);
      const b = spread(direct);
      context.log(`  ${label}: p50/p99 ${a.p50.toFixed(1)}/${a.p99.toFixed(1)} ms; direct ${b.p50.toFixed(1)}/${b.p99.toFixed(1)} ms`);
      figures.push({ id: `${id}.p50`, scenario, label: `${label} p50`, unit: 'ms', chatFlow: a.p50, baseline: b.p50, baselineLabel, better: 'lower', note: size },
        { id: `${id}.p99`, scenario, label: `${label} p99`, unit: 'ms', chatFlow: a.p99, baseline: b.p99, baselineLabel, better: 'lower', ...(target ? { target } : {}) });
    };
    const history = (chatId: string) => knex('messages as m').leftJoin('users as u', 'u.id', 'm.senderId').where('m.chatId', chatId).limit(PAGE + 1)
      .select('m.id', 'm.chatId', 'm.seq', 'm.clientId', 'm.senderId', 'u.name as senderName', 'm.kind', 'm.body', 'm.createdAt', 'm.editedAt', 'm.deletedAt', 'm.updateSeq', 'm.replyToId', 'm.mentions', 'm.mentionAll', 'm.event');

    if (which.history) {
      const scenario = 'history and catch-up';
      const target = { op: '<=', value: 1.5, of: 'ratio' } as const;
      const latest = { api: [] as number[], sql: [] as number[] };
      const after = { api: [] as number[], sql: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        const chatId = chatAt(round);
        latest.api.push(await timed(() => get(`/api/chats/${chatId}/messages`)));
        latest.sql.push(await timed(() => sql(history(chatId).orderBy('m.seq', 'desc'))));
        const from = PER_CHAT - 200;
        after.api.push(await timed(() => get(`/api/chats/${chatId}/messages?afterSeq=${from}&limit=${PAGE}`)));
        after.sql.push(await timed(() => sql(history(chatId).where('m.updateSeq', '>', from).orderBy('m.updateSeq', 'asc'))));
      }
      push('history.latest', scenario, 'latest-50 page', latest.api, latest.sql, 'same keyset query via pg', target);
      push('history.after', scenario, 'afterSeq page (50)', after.api, after.sql, 'same keyset query via pg', target);

      socket = await connect(server.url, token!);
      const sync = { api: [] as number[], sql: [] as number[] };
      const CATCH_UP = 1000;
      for (let round = 0; round < ROUNDS / 2; round++) {
        const chatId = chatAt(round);
        // 1,000 messages behind: chat:sync pages of 500 until caught up, as a client continues.
        sync.api.push(await timed(async () => {
          let seq = PER_CHAT - CATCH_UP;
          for (let page = 0; page < 4 && seq < PER_CHAT; page++) {
            const reply = (await socket!.timeout(30_000).emitWithAck('chat:sync', { chats: { [chatId]: seq } })) as { ok: boolean; messages: { updateSeq?: number; seq: number }[] };
            if (!reply.ok || reply.messages.length === 0) throw new Error(`chat:sync failed: ${JSON.stringify(reply).slice(0, 200)}`);
            seq = Math.max(...reply.messages.map((m) => m.updateSeq ?? m.seq));
          }
        }));
        sync.sql.push(await timed(async () => {
          let seq = PER_CHAT - CATCH_UP;
          for (let page = 0; page < 4 && seq < PER_CHAT; page++) {
            const result = await client.query<{ updateSeq: number }>(SINCE_SQL, [[chatId], [seq], SYNC_PAGE + 1]);
            seq = Math.max(...result.rows.slice(0, SYNC_PAGE).map((r) => Number(r.updateSeq)));
          }
        }));
      }
      push('history.sync', scenario, '1,000-message chat:sync catch-up', sync.api, sync.sql, 'same keyset query via pg, pages of 500', target);
    }

    if (which.search) {
      const api: number[] = [];
      const direct: number[] = [];
      const cases = [...QUERIES, { query: 'alpha', chatId: seeded.chatIds[3]! }];
      for (let round = 0; round < SEARCH_ROUNDS; round++) {
        for (const params of cases) {
          api.push(await timed(() => get(`/api/search?${new URLSearchParams(params)}`)));
          direct.push(await timed(() => sql(searchQuery(knex, viewer, searchQuerySchema.parse(params)))));
        }
      }
      push('search', 'search (GET /api/search)', 'search', api, direct, 'same tsquery via pg');
    }
    context.figures.push(...figures);
  } finally {
    socket?.close();
    await client.end().catch(() => undefined);
    await knex.destroy();
    await server.close();
    await database.drop();
  }
}
