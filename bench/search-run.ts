import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { searchQuery } from '../app/server/queries/search.ts';
import { searchQuerySchema } from '../app/server/schemas/search-schemas.ts';

const CHATS = 50;
const PER_CHAT = 200;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar',
  'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu', 'amber', 'basalt', 'cobalt', 'dune'];
/** A mix of what people type: one word, two, a phrase, an exclusion, a word being typed, a filter. */
const QUERIES: Record<string, string>[] = [
  { query: 'alpha' },
  { query: 'needle' },
  { query: 'alpha bravo' },
  { query: '"golf hotel"' },
  { query: 'charlie -delta' },
  { query: 'nee' },
];
const ROUNDS = 50;

export interface SearchResult {
  searches: number;
  apiP50: number;
  apiP99: number;
  sqlP50: number;
  sqlP99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('ready', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * 10,000 messages over 50 chats (the searcher, user 0, is in 40 of them), sent through the
 * message path, then the same searches timed through GET /api/search and as the bare SQL that
 * endpoint runs, sent straight to PostgreSQL: the ratio is what the HTTP layer, validation,
 * presenting and JSON cost on top of the query.
 */
export async function runSearchScenario(url: string, knex: Knex, tokens: string[], ids: string[]): Promise<SearchResult> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` };
  const chatIds: string[] = [];
  for (let c = 0; c < CHATS; c++) {
    const owner = c < CHATS - 10 ? 0 : 1;
    const memberIds = ids.slice(1, 6).filter((id) => id !== ids[owner]);
    if (owner === 1) memberIds.push(...ids.slice(6, 8));
    const response = await fetch(`${url}/api/chats/groups`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${tokens[owner]}` }, body: JSON.stringify({ name: `Search ${c}`, memberIds }) });
    chatIds.push(((await response.json()) as { chat: { id: string } }).chat.id);
  }
  const sockets = await Promise.all(tokens.slice(0, 6).map((token) => connect(url, token)));
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const sends: { socket: Socket; chatId: string; body: string }[] = [];
  chatIds.forEach((chatId, c) => {
    // Senders 1..5 are members of every chat.
    for (let i = 0; i < PER_CHAT; i++) {
      const words = Array.from({ length: 6 }, () => WORDS[Math.floor(next() * WORDS.length)]!);
      if (i % 50 === 7) words.push('needle');
      sends.push({ socket: sockets[1 + ((c + i) % 5)]!, chatId, body: words.join(' ') });
    }
  });
  for (let i = 0; i < sends.length; i += 200) {
    await Promise.all(sends.slice(i, i + 200).map(({ socket, chatId, body }) => socket.timeout(30_000).emitWithAck('message:send', { chatId, clientId: randomUUID(), body })));
  }
  for (const socket of sockets) socket.close();

  const { connectionString } = knex.client.config.connection as { connectionString: string };
  const client = new pg.Client({ connectionString });
  await client.connect();
  const api: number[] = [];
  const sql: number[] = [];
  try {
    const cases = [...QUERIES, { query: 'alpha', chatId: chatIds[3]! }];
    for (let round = 0; round < ROUNDS; round++) {
      for (const params of cases) {
        const t0 = performance.now();
        const response = await fetch(`${url}/api/search?${new URLSearchParams(params)}`, { headers });
        if (response.status !== 200) throw new Error(`search failed: ${response.status} ${await response.text()}`);
        await response.json();
        api.push(performance.now() - t0);
        const native = searchQuery(knex, ids[0]!, searchQuerySchema.parse(params)).toSQL().toNative();
        const t1 = performance.now();
        await client.query(native.sql, native.bindings as unknown[]);
        sql.push(performance.now() - t1);
      }
    }
  } finally {
    await client.end();
  }
  api.sort((a, b) => a - b);
  sql.sort((a, b) => a - b);
  return { searches: api.length, apiP50: percentile(api, 50), apiP99: percentile(api, 99), sqlP50: percentile(sql, 50), sqlP99: percentile(sql, 99) };
}
