import { randomUUID } from 'node:crypto';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IsolatingWriter, isDataError } from '../../app/server/pipeline/isolating-writer.ts';
import type { MessageCreatedRecord } from '../../app/server/pipeline/log-record.ts';
import { messageIdFor } from '../../app/server/pipeline/message-ids.ts';
import { MessageWriter } from '../../app/server/pipeline/message-writer.ts';
import { Api } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestSocket } from '../support/socket-client.ts';
import type { TestUser } from '../support/test-server.ts';

const NUL = 'a\u0000b';
const HIGH = 'x\uD800y';
const LOW = '\uDC00z';

interface Ids {
  chat: string;
  group: string;
  bob: string;
}

interface RestCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (ids: Ids) => string;
  body?: (ids: Ids) => Record<string, unknown>;
  as?: 'admin' | 'alice' | 'nobody';
  /** The field the answer names. */
  field: string;
}

interface SocketCase {
  name: string;
  event: string;
  payload: (ids: Ids) => Record<string, unknown>;
  field: string;
}

const nameCursor = (name: string) => Buffer.from(JSON.stringify([name, randomUUID()])).toString('base64url');

const restCases: RestCase[] = [
  // Signing in, before any identity
  { name: 'login email with NUL', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: `${NUL}@example.test`, password: 'x' }), as: 'nobody', field: 'email' },
  { name: 'login email with a lone high surrogate', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: `${HIGH}@example.test`, password: 'x' }), as: 'nobody', field: 'email' },
  { name: 'login password with NUL', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: 'a@example.test', password: NUL }), as: 'nobody', field: 'password' },
  { name: 'login password with a lone low surrogate', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: 'a@example.test', password: LOW }), as: 'nobody', field: 'password' },
  // Directory
  { name: 'directory query with NUL', method: 'GET', path: () => '/api/users?query=a%00b', field: 'query' },
  // Chats
  { name: 'group name with NUL', method: 'POST', path: () => '/api/chats/groups', body: (i) => ({ name: NUL, memberIds: [i.bob] }), field: 'name' },
  { name: 'group name with a lone surrogate', method: 'POST', path: () => '/api/chats/groups', body: (i) => ({ name: HIGH, memberIds: [i.bob] }), field: 'name' },
  { name: 'rename with NUL', method: 'PATCH', path: (i) => `/api/chats/${i.group}`, body: () => ({ name: NUL }), field: 'name' },
  { name: 'rename with a lone surrogate', method: 'PATCH', path: (i) => `/api/chats/${i.group}`, body: () => ({ name: LOW }), field: 'name' },
  { name: 'direct chat with a NUL userId', method: 'POST', path: () => '/api/chats/direct', body: () => ({ userId: NUL }), field: 'userId' },
  { name: 'members with a NUL id', method: 'POST', path: (i) => `/api/chats/${i.group}/members`, body: () => ({ userIds: [NUL] }), field: 'userIds.0' },
  { name: 'chat id with NUL in the path', method: 'GET', path: () => '/api/chats/%00', field: 'path' },
  { name: 'chat id that is not UTF-8 in the path', method: 'GET', path: () => '/api/chats/%ED%A0%80/messages', field: 'path' },
  { name: 'member id with NUL in the path', method: 'DELETE', path: (i) => `/api/chats/${i.group}/members/%00`, field: 'path' },
  // Messages
  { name: 'message body with NUL', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: randomUUID(), body: NUL }), field: 'body' },
  { name: 'message body with a lone high surrogate', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: randomUUID(), body: HIGH }), field: 'body' },
  { name: 'message body with a lone low surrogate', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: randomUUID(), body: LOW }), field: 'body' },
  { name: 'message clientId with NUL', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: NUL, body: 'hi' }), field: 'clientId' },
  { name: 'message clientId with a lone surrogate', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: HIGH, body: 'hi' }), field: 'clientId' },
  { name: 'history of a NUL chat id', method: 'GET', path: () => '/api/chats/a%00b/messages', field: 'path' },
  // Admin: users
  { name: 'admin create with a NUL email', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: `${NUL}@example.test`, name: 'X' }), as: 'admin', field: 'email' },
  { name: 'admin create with a NUL name', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: `n${randomUUID()}@example.test`, name: NUL }), as: 'admin', field: 'name' },
  { name: 'admin create with a lone-surrogate name', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: `s${randomUUID()}@example.test`, name: HIGH }), as: 'admin', field: 'name' },
  { name: 'admin create with a NUL password', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: `p${randomUUID()}@example.test`, name: 'X', password: `long-enough${NUL}` }), as: 'admin', field: 'password' },
  { name: 'admin rename a user with NUL', method: 'PATCH', path: (i) => `/api/admin/users/${i.bob}`, body: () => ({ name: NUL }), as: 'admin', field: 'name' },
  { name: 'admin rename a user with a lone surrogate', method: 'PATCH', path: (i) => `/api/admin/users/${i.bob}`, body: () => ({ name: LOW }), as: 'admin', field: 'name' },
  { name: 'admin password reset with NUL', method: 'POST', path: (i) => `/api/admin/users/${i.bob}/password`, body: () => ({ password: `long-enough${NUL}` }), as: 'admin', field: 'password' },
  { name: 'admin user search with NUL', method: 'GET', path: () => '/api/admin/users?query=%00', as: 'admin', field: 'query' },
  { name: 'admin user list with a cursor hiding NUL', method: 'GET', path: () => `/api/admin/users?cursor=${nameCursor(NUL)}`, as: 'admin', field: 'cursor' },
  { name: 'admin user list with a cursor hiding a lone surrogate', method: 'GET', path: () => `/api/admin/users?cursor=${nameCursor(HIGH)}`, as: 'admin', field: 'cursor' },
  // Admin: groups, settings, audit
  { name: 'admin group search with NUL', method: 'GET', path: () => '/api/admin/groups?query=%00', as: 'admin', field: 'query' },
  { name: 'admin group list with a cursor hiding NUL', method: 'GET', path: () => `/api/admin/groups?cursor=${nameCursor(NUL)}`, as: 'admin', field: 'cursor' },
  { name: 'admin create group with a NUL name', method: 'POST', path: () => '/api/admin/groups', body: (i) => ({ name: NUL, memberIds: [i.bob] }), as: 'admin', field: 'name' },
  { name: 'admin rename group with a lone surrogate', method: 'PATCH', path: (i) => `/api/admin/groups/${i.group}`, body: () => ({ name: HIGH }), as: 'admin', field: 'name' },
  { name: 'admin group members with a NUL id', method: 'POST', path: (i) => `/api/admin/groups/${i.group}/members`, body: () => ({ userIds: [NUL] }), as: 'admin', field: 'userIds.0' },
  { name: 'admin settings with a NUL upload type', method: 'PATCH', path: () => '/api/admin/settings', body: () => ({ allowedUploadTypes: [`image/${NUL}`] }), as: 'admin', field: 'allowedUploadTypes.0' },
  { name: 'admin audit filtered by a NUL action', method: 'GET', path: () => '/api/admin/audit?action=%00', as: 'admin', field: 'action' },
  { name: 'admin group id with NUL in the path', method: 'DELETE', path: () => '/api/admin/groups/%00', as: 'admin', field: 'path' },
];

const socketCases: SocketCase[] = [
  { name: 'message:send body with NUL', event: 'message:send', payload: (i) => ({ chatId: i.chat, clientId: randomUUID(), body: NUL }), field: 'body' },
  { name: 'message:send body with a lone high surrogate', event: 'message:send', payload: (i) => ({ chatId: i.chat, clientId: randomUUID(), body: HIGH }), field: 'body' },
  { name: 'message:send body with a lone low surrogate', event: 'message:send', payload: (i) => ({ chatId: i.chat, clientId: randomUUID(), body: LOW }), field: 'body' },
  { name: 'message:send clientId with NUL', event: 'message:send', payload: (i) => ({ chatId: i.chat, clientId: NUL, body: 'hi' }), field: 'clientId' },
  { name: 'message:send chatId with NUL', event: 'message:send', payload: () => ({ chatId: NUL, clientId: randomUUID(), body: 'hi' }), field: 'chatId' },
  { name: 'chat:read chatId with NUL', event: 'chat:read', payload: () => ({ chatId: NUL, seq: 1 }), field: 'chatId' },
  { name: 'chat:delivered chatId with a lone surrogate', event: 'chat:delivered', payload: () => ({ chatId: HIGH, seq: 1 }), field: 'chatId' },
  { name: 'typing chatId with NUL', event: 'typing', payload: () => ({ chatId: NUL, typing: true }), field: 'chatId' },
  { name: 'chat:sync with a NUL chat key', event: 'chat:sync', payload: () => ({ chats: { [NUL]: 0 } }), field: 'chats' },
];

const server = useTestServer();
let alice: TestUser;
let bob: TestUser;
let ids: Ids;
let aliceSocket: TestSocket;
let bobSocket: TestSocket;
let loggedErrors: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  alice = await server.createUser({ name: 'Alice' });
  bob = await server.createUser({ name: 'Bob' });
  const direct = await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id });
  const grouped = await server.api(alice.token).post('/api/chats/groups', { name: 'Group', memberIds: [bob.user.id] });
  expect([direct.status, grouped.status]).toEqual([201, 201]);
  ids = { chat: direct.body.chat.id, group: grouped.body.chat.id, bob: bob.user.id };
  aliceSocket = await server.connect(alice);
  bobSocket = await server.connect(bob);
  // An error log is an internal failure (a 500), which no input may cause.
  loggedErrors = vi.spyOn(server.running.services.logger, 'error');
});

afterAll(() => {
  loggedErrors?.mockRestore();
});

const tokenFor = (as: RestCase['as']) => (as === 'nobody' ? undefined : as === 'admin' ? server.admin.token : alice.token);

describe('NUL and lone surrogates at every door', () => {
  it('has a large enough table', () => {
    expect(restCases.length + socketCases.length).toBeGreaterThanOrEqual(30);
    expect(new Set([...restCases, ...socketCases].map((c) => c.name)).size).toBe(restCases.length + socketCases.length);
  });

  it.each(restCases)('$method $name -> 400 invalid_input naming $field', async ({ method, path, body, as, field }) => {
    const response = await new Api(server.url, tokenFor(as)).request(method, path(ids), body?.(ids));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.message.startsWith(`${field}: `), response.body.error.message).toBe(true);
  });

  it.each(socketCases)('$name -> invalid_input naming $field', async ({ event, payload, field }) => {
    const ack = await aliceSocket.emitAck(event, payload(ids));
    expect(ack.ok).toBe(false);
    expect(ack.error!.code).toBe('invalid_input');
    expect(ack.error!.message.startsWith(`${field}`), ack.error!.message).toBe(true);
  });

  it('stored nothing and logged no internal error for any of them', async () => {
    const [{ count }] = (await server.running.services.knex('messages').whereIn('chatId', [ids.chat, ids.group]).count('* as count')) as [{ count: number }];
    expect(Number(count)).toBe(0);
    expect(loggedErrors).not.toHaveBeenCalled();
  });
});

describe('a burst of poisoned sends beside normal ones', () => {
  it('acks and writes all 40 normal sends while the 40 poisoned ones get invalid_input', async () => {
    const poisons = Array.from({ length: 40 }, (_, i) => ({ chatId: ids.chat, clientId: randomUUID(), body: i % 2 === 0 ? `bad ${NUL} ${i}` : `bad ${HIGH} ${i}` }));
    const normals = Array.from({ length: 40 }, (_, i) => ({ chatId: ids.chat, clientId: randomUUID(), body: `fine ${i}` }));
    const acks = await Promise.all(poisons.flatMap((poison, i) => [bobSocket.emitAck('message:send', poison), aliceSocket.emitAck('message:send', normals[i])]));
    const poisonAcks = acks.filter((_, i) => i % 2 === 0);
    const normalAcks = acks.filter((_, i) => i % 2 === 1);
    for (const ack of poisonAcks) expect(ack.error?.code).toBe('invalid_input');
    for (const ack of normalAcks) expect(ack).toMatchObject({ ok: true, id: expect.any(String) });
    const rows = (await server.running.services.knex('messages').where({ chatId: ids.chat }).select('body')) as { body: string }[];
    expect(rows.map((r) => r.body).sort()).toEqual(normals.map((n) => n.body).sort());
  });
});

describe('records the database refuses', () => {
  const recordFor = (user: TestUser, chatId: string, body: string, clientId = randomUUID()): MessageCreatedRecord => ({
    type: 'message.created',
    id: messageIdFor(user.user.id, clientId),
    chatId,
    actorId: user.user.id,
    clientId,
    kind: 'text',
    body,
    attachmentIds: [],
    replyToId: null,
    mentions: [],
    mentionAll: null,
    acceptedAt: new Date().toISOString(),
  });

  it('refuses a NUL record at append, before it reaches the log', async () => {
    await expect(server.running.services.log.append(recordFor(alice, ids.group, NUL))).rejects.toMatchObject({ status: 400, code: 'invalid_input' });
  });

  it('writes the good records of a batch and rejects only the one that violates a constraint', async () => {
    const { knex, bus, logger, metrics, settings } = server.running.services;
    const writer = new IsolatingWriter(new MessageWriter(knex, bus, logger, metrics, settings), logger);
    const first = recordFor(alice, ids.group, 'first');
    expect(await writer.writeBatch([first])).toMatchObject([{ status: 'written' }]);
    // Same sender and clientId under another id: the schema accepts it, the unique index does not.
    const clash: MessageCreatedRecord = { ...first, id: randomUUID(), body: 'clash' };
    const goods = Array.from({ length: 9 }, (_, i) => recordFor(i % 2 ? alice : bob, ids.group, `good ${i}`));
    const batch = [...goods.slice(0, 4), clash, ...goods.slice(4)];
    const outcomes = await writer.writeBatch(batch);
    expect(outcomes[4]).toEqual({ status: 'rejected', id: clash.id, code: 'invalid_input', message: expect.any(String) });
    expect(outcomes.filter((o) => o.status === 'written')).toHaveLength(9);
    const rows = (await knex('messages').where({ chatId: ids.group }).orderBy('seq').select('body', 'seq')) as { body: string; seq: number }[];
    expect(rows.map((r) => r.body)).toEqual(['first', ...goods.map((g) => g.body)]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  });

  it('still fails the whole batch when the database cannot be reached', async () => {
    const { bus, logger, metrics, settings } = server.running.services;
    const unreachable = knexFactory({ client: 'pg', connection: { connectionString: 'postgres://postgres@127.0.0.1:1/none' }, acquireConnectionTimeout: 3000 });
    try {
      const writer = new IsolatingWriter(new MessageWriter(unreachable, bus, logger, metrics, settings), logger);
      const failure = await writer.writeBatch([recordFor(alice, ids.group, 'lost')]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(isDataError(failure)).toBe(false);
    } finally {
      await unreachable.destroy();
    }
  });
});
