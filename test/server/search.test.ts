import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';

const server = useTestServer();

const CHATS = 50;
const PER_CHAT = 200;
const OUTSIDE_CHATS = 10;
const DIRECT_CHATS = 5;
const VOCABULARY = [
  'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet',
  'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango',
  'uniform', 'victor', 'whiskey', 'xray', 'yankee', 'zulu', 'amber', 'basalt', 'cobalt', 'dune',
];

interface Result {
  message: { id: string; chatId: string; sender: { id: string } | null; body: string; kind: string };
  chat: { id: string; name: string; kind: string };
  snippet: string;
  highlights: [number, number][];
}

/** A small deterministic generator, so every run searches the same 10,000 bodies. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

let searcher: TestUser;
let outsider: TestUser;
let others: TestUser[];
let chatIds: string[];
let memberChatIds: string[];

const knex = () => server.running.services.knex;
const search = (who: TestUser, params: Record<string, string>) => server.api(who.token).get(`/api/search?${new URLSearchParams(params)}`);

/** Every page of a search, following nextCursor to the end. */
async function searchAll(who: TestUser, params: Record<string, string>): Promise<Result[]> {
  const results: Result[] = [];
  let cursor: string | null = null;
  do {
    const page = await search(who, { ...params, limit: '50', ...(cursor ? { cursor } : {}) });
    expect(page.status).toBe(200);
    results.push(...(page.body.results as Result[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return results;
}

/**
 * The same question asked of the tables directly, with a regular expression instead of the text
 * index: the messages of the user's chats that are neither deleted nor system notices.
 */
async function expectedIds(userId: string, word: RegExp | null, narrow: (q: ReturnType<ReturnType<typeof knex>>) => void = () => undefined) {
  const query = knex()('messages as m')
    .join('chatMembers as cm', 'cm.chatId', 'm.chatId')
    .where('cm.userId', userId)
    .whereNull('m.deletedAt')
    .whereNot('m.kind', 'system');
  if (word) query.whereRaw('m.body ~* ?', [word.source]);
  narrow(query);
  return ((await query.select('m.id')) as { id: string }[]).map((row) => row.id).sort();
}

const idsOf = (results: Result[]) => results.map((r) => r.message.id).sort();

beforeAll(async () => {
  [searcher, outsider] = [await server.createUser({ name: 'Searcher' }), await server.createUser({ name: 'Outsider' })];
  others = await Promise.all(Array.from({ length: DIRECT_CHATS }, (_, i) => server.createUser({ name: `Colleague ${i}` })));
  const otherIds = others.map((o) => o.user.id);
  chatIds = [];
  for (let i = 0; i < CHATS; i++) {
    const outside = i >= CHATS - OUTSIDE_CHATS;
    const created =
      i < DIRECT_CHATS
        ? await server.api(searcher.token).post('/api/chats/direct', { userId: otherIds[i] })
        : await server.api((outside ? outsider : searcher).token).post('/api/chats/groups', { name: `Room ${i}`, memberIds: otherIds });
    chatIds.push(created.body.chat.id as string);
  }
  memberChatIds = chatIds.slice(0, CHATS - OUTSIDE_CHATS);

  // Some uploaded files, bound to messages by the send path like any attachment.
  const files = new Map<string, string[]>();
  for (const sender of [searcher, outsider, ...others]) {
    const rows = Array.from({ length: 20 }, (_, i) => ({ uploaderId: sender.user.id, kind: 'file', name: `f${i}.txt`, mime: 'text/plain', size: 10, storageKey: randomUUID() }));
    const inserted = (await knex()('attachments').insert(rows).returning('id')) as { id: string }[];
    files.set(sender.user.id, inserted.map((row) => row.id));
  }

  // 10,000 messages through the front door, each sender on its own socket with many sends in flight.
  const next = random(42);
  const outbox = new Map<TestUser, { chatId: string; clientId: string; body: string; attachmentIds?: string[] }[]>();
  chatIds.forEach((chatId, c) => {
    const owner = c < DIRECT_CHATS ? searcher : c >= CHATS - OUTSIDE_CHATS ? outsider : searcher;
    const members = c < DIRECT_CHATS ? [searcher, others[c]!] : [owner, ...others];
    for (let i = 0; i < PER_CHAT; i++) {
      const sender = members[Math.floor(next() * members.length)]!;
      const words = Array.from({ length: 6 }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!);
      if (i % 50 === 7) words.push('needle');
      const pool = files.get(sender.user.id)!;
      const attachmentIds = i % 40 === 3 && pool.length > 0 ? [pool.pop()!] : undefined;
      const list = outbox.get(sender) ?? [];
      list.push({ chatId, clientId: randomUUID(), body: words.join(' '), attachmentIds });
      outbox.set(sender, list);
    }
  });
  await Promise.all(
    [...outbox.entries()].map(async ([sender, list]) => {
      const socket = await server.connect(sender);
      for (let i = 0; i < list.length; i += 100) {
        const acks = await Promise.all(list.slice(i, i + 100).map((payload) => socket.emitAck('message:send', payload)));
        for (const ack of acks) expect(ack.ok, JSON.stringify(ack)).toBe(true);
      }
      socket.close();
    }),
  );
  // Spread the messages over time (an hour per seq), so date filters and ties in time both occur.
  await knex().raw(`UPDATE messages SET created_at = '2026-01-01T00:00:00Z'::timestamptz + seq * interval '1 hour'`);
}, 240_000);

describe('search: refusals', () => {
  it('needs a signed-in user', async () => {
    expect((await server.api().get('/api/search?query=alpha')).status).toBe(401);
  });

  it('answers 400 invalid_input to malformed filters', async () => {
    const malformed: Record<string, string>[] = [
      {},
      { query: 'x'.repeat(201) },
      { query: 'alpha', limit: '51' },
      { query: 'alpha', limit: '0' },
      { query: 'alpha', limit: 'ten' },
      { query: 'alpha', before: 'yesterday' },
      { query: 'alpha', after: '2026-13-45' },
      { query: 'alpha', chatId: 'not-a-uuid' },
      { query: 'alpha', senderId: '123' },
      { query: 'alpha', hasFile: 'yes' },
      { query: 'alpha', cursor: 'garbage' },
      { query: 'alpha', cursor: Buffer.from(JSON.stringify({ rank: 'high' })).toString('base64url') },
    ];
    for (const params of malformed) {
      const response = await search(searcher, params);
      expect(response.status, JSON.stringify(params)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
    }
    const repeated = await server.api(searcher.token).get('/api/search?query=a&query=b');
    expect(repeated.status).toBe(400);
  });

  it("answers 404 to a search inside another person's chat, like a missing chat", async () => {
    const foreign = chatIds[CHATS - 1]!;
    const response = await search(searcher, { query: 'alpha', chatId: foreign });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
    expect((await search(searcher, { query: 'alpha', chatId: randomUUID() })).status).toBe(404);
  });
});

describe('search: results', () => {
  it("finds exactly the matching messages of the searcher's chats, each once, never another chat's", async () => {
    const results = await searchAll(searcher, { query: 'needle' });
    const expected = await expectedIds(searcher.user.id, /\mneedle\M/);
    expect(expected.length).toBe(memberChatIds.length * (PER_CHAT / 50));
    expect(idsOf(results)).toEqual(expected);
    expect(new Set(idsOf(results)).size).toBe(results.length);
    expect(results.every((r) => memberChatIds.includes(r.message.chatId))).toBe(true);

    const outside = await searchAll(outsider, { query: 'needle' });
    expect(idsOf(outside)).toEqual(await expectedIds(outsider.user.id, /\mneedle\M/));
    expect(outside.every((r) => chatIds.slice(CHATS - OUTSIDE_CHATS).includes(r.message.chatId))).toBe(true);
  });

  it('pages through a common word, every result exactly once', async () => {
    const results = await searchAll(searcher, { query: 'alpha' });
    const expected = await expectedIds(searcher.user.id, /\malpha\M/);
    expect(expected.length).toBeGreaterThan(500);
    expect(idsOf(results)).toEqual(expected);
    expect(new Set(idsOf(results)).size).toBe(expected.length);
  });

  it('ranks a message that says it more often first', async () => {
    const chatId = memberChatIds[7]!;
    const ack = await (await server.connect(searcher)).emitAck('message:send', { chatId, clientId: randomUUID(), body: 'zephyr zephyr zephyr, and once more zephyr' });
    await (await server.connect(searcher)).emitAck('message:send', { chatId, clientId: randomUUID(), body: 'a single zephyr among many other words in a longer message' });
    const page = await search(searcher, { query: 'zephyr' });
    expect(page.body.results).toHaveLength(2);
    expect(page.body.results[0].message.id).toBe(ack.id);
  });

  it('combines words, phrases, exclusions and a prefix for the last word', async () => {
    const both = await searchAll(searcher, { query: 'alpha bravo' });
    expect(idsOf(both)).toEqual(await expectedIds(searcher.user.id, null, (q) => q.whereRaw(`m.body ~* '\\malpha\\M' AND m.body ~* '\\mbravo\\M'`)));
    const without = await searchAll(searcher, { query: 'needle -alpha' });
    expect(idsOf(without)).toEqual(await expectedIds(searcher.user.id, null, (q) => q.whereRaw(`m.body ~* '\\mneedle\\M' AND m.body !~* '\\malpha\\M'`)));
    const prefix = await searchAll(searcher, { query: 'need' });
    expect(idsOf(prefix)).toEqual(await expectedIds(searcher.user.id, /\mneed/));
    const phrase = await searchAll(searcher, { query: '"golf hotel"' });
    expect(idsOf(phrase)).toEqual(await expectedIds(searcher.user.id, /\mgolf hotel\M/));
  });

  it('highlights the matching words in a plain-text snippet', async () => {
    const chatId = chatIds[10]!;
    const body = '<img src=x onerror=alert(1)> Quartz\u0002 and more quartzite here';
    await (await server.connect(searcher)).emitAck('message:send', { chatId, clientId: randomUUID(), body });
    const page = await search(searcher, { query: 'quartz' });
    const [hit] = page.body.results as Result[];
    // Text of the body itself, never markup: a marker character in a body cannot fake a highlight.
    expect(hit!.snippet).not.toMatch(/[\u0002\u0003]/);
    for (const fragment of hit!.snippet.split(' … ')) expect(body.replace('\u0002', '')).toContain(fragment);
    const marked = hit!.highlights.map(([start, end]) => hit!.snippet.slice(start, end));
    expect(marked).toEqual(['Quartz', 'quartzite']);
    expect(hit!.chat).toEqual({ id: chatId, name: 'Room 10', kind: 'group' });
  });

  it("names a direct chat after the other person, as the chat list does", async () => {
    const results = await searchAll(searcher, { query: 'needle', chatId: chatIds[0]! });
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.chat.name === 'Colleague 0' && r.chat.kind === 'direct')).toBe(true);
    const group = await search(searcher, { query: 'needle', chatId: chatIds[DIRECT_CHATS]! });
    expect(group.body.results[0].chat).toEqual({ id: chatIds[DIRECT_CHATS], name: `Room ${DIRECT_CHATS}`, kind: 'group' });
  });
});

describe('search: filters', () => {
  it('in one chat', async () => {
    const chatId = memberChatIds[12]!;
    const results = await searchAll(searcher, { query: 'alpha', chatId });
    expect(results.length).toBeGreaterThan(0);
    expect(idsOf(results)).toEqual(await expectedIds(searcher.user.id, /\malpha\M/, (q) => q.where('m.chatId', chatId)));
  });

  it('from one person', async () => {
    const senderId = others[2]!.user.id;
    const results = await searchAll(searcher, { query: 'bravo', senderId });
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.message.sender?.id === senderId)).toBe(true);
    expect(idsOf(results)).toEqual(await expectedIds(searcher.user.id, /\mbravo\M/, (q) => q.where('m.senderId', senderId)));
  });

  it('before and after a date', async () => {
    const after = '2026-01-03T00:00:00Z';
    const before = '2026-01-05';
    const results = await searchAll(searcher, { query: 'charlie', after, before });
    expect(results.length).toBeGreaterThan(0);
    expect(idsOf(results)).toEqual(
      await expectedIds(searcher.user.id, /\mcharlie\M/, (q) => q.where('m.createdAt', '>=', new Date(after)).where('m.createdAt', '<', new Date('2026-01-05T00:00:00Z'))),
    );
    const offset = await searchAll(searcher, { query: 'charlie', after: '2026-01-03T01:00:00+01:00', before: '2026-01-05T00:00:00.000Z' });
    expect(idsOf(offset)).toEqual(idsOf(results));
  });

  it('with or without a file', async () => {
    const withFile = await searchAll(searcher, { hasFile: 'true' });
    const expected = await expectedIds(searcher.user.id, null, (q) => q.whereExists(knex()('attachments as a').whereRaw('a.message_id = m.id')));
    expect(expected.length).toBeGreaterThan(0);
    expect(idsOf(withFile)).toEqual(expected);
    const wordNoFile = await searchAll(searcher, { query: 'delta', hasFile: 'false' });
    expect(idsOf(wordNoFile)).toEqual(
      await expectedIds(searcher.user.id, /\mdelta\M/, (q) => q.whereNotExists(knex()('attachments as a').whereRaw('a.message_id = m.id'))),
    );
  });

  it('lists the newest messages first when only filters are given', async () => {
    const chatId = memberChatIds[20]!;
    const page = await search(searcher, { chatId, limit: '5' });
    const newest = (await knex()('messages').where({ chatId }).whereNot('kind', 'system').orderBy('seq', 'desc').limit(5).select('id')) as { id: string }[];
    expect((page.body.results as Result[]).map((r) => r.message.id)).toEqual(newest.map((row) => row.id));
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('search follows the log', () => {
  it('leaves out system notices and deleted messages, and finds the current text of an edited one', async () => {
    const chatId = memberChatIds[30]!;
    expect((await server.api(searcher.token).patch(`/api/chats/${chatId}`, { name: 'Obsidian club' })).status).toBe(200);
    await expect.poll(() => knex()('messages').where({ chatId, kind: 'system' }).whereILike('body', '%obsidian%').first()).toBeTruthy();
    expect((await search(searcher, { query: 'obsidian' })).body.results).toEqual([]);

    const socket = await server.connect(searcher);
    const sent = await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'granite tiles' });
    expect((await search(searcher, { query: 'granite' })).body.results).toHaveLength(1);
    // What an edit and a delete do to the row: the index follows the body by itself.
    await knex()('messages').where({ id: sent.id }).update({ body: 'marble tiles', editedAt: new Date() });
    expect((await search(searcher, { query: 'granite' })).body.results).toEqual([]);
    expect((await search(searcher, { query: 'marble' })).body.results[0].message.body).toBe('marble tiles');
    await knex()('messages').where({ id: sent.id }).update({ deletedAt: new Date() });
    expect((await search(searcher, { query: 'marble' })).body.results).toEqual([]);
  });

  it('stops showing a chat once the searcher leaves it', async () => {
    const chatId = memberChatIds[35]!;
    const before = await searchAll(searcher, { query: 'needle', chatId });
    expect(before.length).toBeGreaterThan(0);
    expect((await server.api(searcher.token).delete(`/api/chats/${chatId}/members/${searcher.user.id}`)).status).toBe(204);
    const after = await searchAll(searcher, { query: 'needle' });
    expect(after.some((r) => r.message.chatId === chatId)).toBe(false);
    expect((await search(searcher, { query: 'needle', chatId })).status).toBe(404);
  });
});
