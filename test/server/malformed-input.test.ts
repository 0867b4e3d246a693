import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Api } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { connectSocket, type TestSocket } from '../support/socket-client.ts';
import type { TestUser } from '../support/test-server.ts';

interface Ids {
  chat: string;
  group: string;
  alice: string;
  bob: string;
}

type Expected = { status: number; code: string; message?: string };

interface RestCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (ids: Ids) => string;
  /** A string is sent as-is (with Content-Type: application/json); an object is JSON-encoded. */
  body?: (ids: Ids) => Record<string, unknown> | unknown[] | string;
  as?: 'admin' | 'alice';
  expected: Expected;
}

interface SocketCase {
  name: string;
  event: string;
  /** The arguments before the ack; an empty list sends the ack alone. */
  args: (ids: Ids) => unknown[];
  expected: { code: string; message?: string };
}

const BODY_LIMIT = 8000;
const bad = (message?: string): Expected => ({ status: 400, code: 'invalid_input', ...(message ? { message } : {}) });
const missing = (message?: string): Expected => ({ status: 404, code: 'not_found', ...(message ? { message } : {}) });

const restCases: RestCase[] = [
  // Bodies that are not JSON objects
  { name: 'login with malformed JSON', method: 'POST', path: () => '/api/auth/login', body: () => '{"email": "a@b.c", "password": ', expected: bad('The request body is not valid JSON.') },
  { name: 'message with malformed JSON', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => '{clientId: x}', expected: bad('The request body is not valid JSON.') },
  { name: 'read with a bare JSON string', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => '"seq"', expected: bad() },
  { name: 'login with a JSON array', method: 'POST', path: () => '/api/auth/login', body: () => [], expected: bad() },
  { name: 'login with JSON null', method: 'POST', path: () => '/api/auth/login', body: () => 'null', expected: bad() },
  { name: 'message over the 64 KB body limit', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'big', body: 'x'.repeat(70 * 1024) }), expected: { status: 413, code: 'too_large', message: 'The request body is too large.' } },
  { name: 'group over the 64 KB body limit', method: 'POST', path: () => '/api/chats/groups', body: () => ({ name: 'g', memberIds: Array.from({ length: 2000 }, () => randomUUID()) }), expected: { status: 413, code: 'too_large' } },
  // Login
  { name: 'login without a password', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: 'a@example.test' }), expected: bad() },
  { name: 'login with a numeric email', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: 42, password: 'x' }), expected: bad() },
  { name: 'login with an object password', method: 'POST', path: () => '/api/auth/login', body: () => ({ email: 'a@example.test', password: { $ne: '' } }), expected: bad() },
  // Chats
  { name: 'direct chat without userId', method: 'POST', path: () => '/api/chats/direct', body: () => ({}), expected: bad() },
  { name: 'direct chat with a non-uuid userId', method: 'POST', path: () => '/api/chats/direct', body: () => ({ userId: 'bob' }), expected: bad() },
  { name: 'direct chat with an unknown user', method: 'POST', path: () => '/api/chats/direct', body: () => ({ userId: randomUUID() }), expected: missing('User not found.') },
  { name: 'direct chat with oneself', method: 'POST', path: () => '/api/chats/direct', body: (i) => ({ userId: i.alice }), expected: bad('userId: you cannot start a direct chat with yourself') },
  { name: 'group with an empty name', method: 'POST', path: () => '/api/chats/groups', body: () => ({ name: '   ', memberIds: [] }), expected: bad('name: must not be empty') },
  { name: 'group with a 101-character name', method: 'POST', path: () => '/api/chats/groups', body: () => ({ name: 'n'.repeat(101), memberIds: [] }), expected: bad('name: at most 100 characters') },
  { name: 'group with memberIds as a string', method: 'POST', path: () => '/api/chats/groups', body: (i) => ({ name: 'g', memberIds: i.bob }), expected: bad() },
  { name: 'group with a non-uuid member', method: 'POST', path: () => '/api/chats/groups', body: () => ({ name: 'g', memberIds: ['nobody'] }), expected: bad() },
  { name: 'group with an unknown member', method: 'POST', path: () => '/api/chats/groups', body: () => ({ name: 'g', memberIds: [randomUUID()] }), expected: missing('User not found.') },
  { name: 'rename with a numeric name', method: 'PATCH', path: (i) => `/api/chats/${i.group}`, body: () => ({ name: 7 }), expected: bad() },
  { name: 'rename without a name', method: 'PATCH', path: (i) => `/api/chats/${i.group}`, body: () => ({}), expected: bad() },
  { name: 'add no members', method: 'POST', path: (i) => `/api/chats/${i.group}/members`, body: () => ({ userIds: [] }), expected: bad() },
  { name: 'add a non-uuid member', method: 'POST', path: (i) => `/api/chats/${i.group}/members`, body: () => ({ userIds: [12] }), expected: bad() },
  { name: 'add an unknown member', method: 'POST', path: (i) => `/api/chats/${i.group}/members`, body: () => ({ userIds: [randomUUID()] }), expected: missing('User not found.') },
  { name: 'remove a non-uuid member', method: 'DELETE', path: (i) => `/api/chats/${i.group}/members/not-a-uuid`, expected: missing('Member not found.') },
  { name: 'remove a non-member', method: 'DELETE', path: (i) => `/api/chats/${i.group}/members/${randomUUID()}`, expected: missing('Member not found.') },
  { name: 'chat with a non-uuid id', method: 'GET', path: () => '/api/chats/not-a-uuid', expected: missing('Chat not found.') },
  { name: 'chat with an unknown id', method: 'GET', path: () => `/api/chats/${randomUUID()}`, expected: missing('Chat not found.') },
  { name: 'chat id with SQL in it', method: 'GET', path: () => `/api/chats/${encodeURIComponent("1' OR '1'='1")}/messages`, expected: missing('Chat not found.') },
  // Messages
  { name: 'message without clientId', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ body: 'hi' }), expected: bad() },
  { name: 'message with a numeric body', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c1', body: 42 }), expected: bad() },
  { name: 'message with a blank body and no attachments', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c2', body: '   ' }), expected: bad('body: a message needs a body or attachments') },
  { name: 'message one character over the limit', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c3', body: 'x'.repeat(BODY_LIMIT + 1) }), expected: bad(`body: at most ${BODY_LIMIT} characters`) },
  { name: 'message with a clientId over 100 characters', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c'.repeat(101), body: 'hi' }), expected: bad() },
  { name: 'message with non-uuid attachments', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c4', attachmentIds: ['file.png'] }), expected: bad() },
  { name: 'message with an unknown attachment', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ({ clientId: 'c5', attachmentIds: [randomUUID()] }), expected: missing('Attachment not found.') },
  { name: 'message as a JSON array', method: 'POST', path: (i) => `/api/chats/${i.chat}/messages`, body: () => ['hi'], expected: bad() },
  { name: 'message to an unknown chat', method: 'POST', path: () => `/api/chats/${randomUUID()}/messages`, body: () => ({ clientId: 'c6', body: 'hi' }), expected: missing('Chat not found.') },
  { name: 'message to a non-uuid chat', method: 'POST', path: () => '/api/chats/general/messages', body: () => ({ clientId: 'c7', body: 'hi' }), expected: missing('Chat not found.') },
  // History
  { name: 'history with limit over 200', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?limit=201`, expected: bad('limit: at most 200') },
  { name: 'history with limit 0', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?limit=0`, expected: bad() },
  { name: 'history with a word for limit', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?limit=lots`, expected: bad() },
  { name: 'history with a negative afterSeq', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?afterSeq=-1`, expected: bad() },
  { name: 'history with a fractional beforeSeq', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?beforeSeq=1.5`, expected: bad() },
  { name: 'history with both afterSeq and beforeSeq', method: 'GET', path: (i) => `/api/chats/${i.chat}/messages?afterSeq=1&beforeSeq=5`, expected: bad('afterSeq and beforeSeq cannot be combined') },
  { name: 'history of an unknown chat', method: 'GET', path: () => `/api/chats/${randomUUID()}/messages`, expected: missing('Chat not found.') },
  // Read watermark
  { name: 'read with a negative seq', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => ({ seq: -1 }), expected: bad() },
  { name: 'read with a string seq', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => ({ seq: '3' }), expected: bad() },
  { name: 'read with a fractional seq', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => ({ seq: 1.5 }), expected: bad() },
  { name: 'read with a seq beyond 2^53', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => '{"seq": 1e300}', expected: bad() },
  { name: 'read without seq', method: 'POST', path: (i) => `/api/chats/${i.chat}/read`, body: () => ({}), expected: bad() },
  { name: 'read of an unknown chat', method: 'POST', path: () => `/api/chats/${randomUUID()}/read`, body: () => ({ seq: 1 }), expected: missing('Chat not found.') },
  // Directory and admin
  { name: 'directory with limit over 100', method: 'GET', path: () => '/api/users?limit=1000', expected: bad() },
  { name: 'admin list with a forged cursor', method: 'GET', path: () => '/api/admin/users?cursor=bm90LWEtY3Vyc29y', as: 'admin', expected: bad('cursor: not a cursor this server returned') },
  { name: 'admin list with limit over 200', method: 'GET', path: () => '/api/admin/users?limit=201', as: 'admin', expected: bad() },
  { name: 'admin create with a bad email', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: 'not-an-email', name: 'X' }), as: 'admin', expected: bad() },
  { name: 'admin create with a short password', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: 'short@example.test', name: 'X', password: 'short' }), as: 'admin', expected: bad('password: at least 8 characters') },
  { name: 'admin create with an unknown role', method: 'POST', path: () => '/api/admin/users', body: () => ({ email: 'role@example.test', name: 'X', role: 'root' }), as: 'admin', expected: bad() },
  { name: 'admin update with an unknown status', method: 'PATCH', path: (i) => `/api/admin/users/${i.bob}`, body: () => ({ status: 'banned' }), as: 'admin', expected: bad() },
  { name: 'admin update with an unknown field', method: 'PATCH', path: (i) => `/api/admin/users/${i.bob}`, body: () => ({ passwordHash: 'x' }), as: 'admin', expected: bad() },
  { name: 'admin update with nothing to change', method: 'PATCH', path: (i) => `/api/admin/users/${i.bob}`, body: () => ({}), as: 'admin', expected: bad('nothing to change') },
  { name: 'admin update of a non-uuid user', method: 'PATCH', path: () => '/api/admin/users/admin', body: () => ({ name: 'X' }), as: 'admin', expected: missing('User not found.') },
  { name: 'admin update of an unknown user', method: 'PATCH', path: () => `/api/admin/users/${randomUUID()}`, body: () => ({ name: 'X' }), as: 'admin', expected: missing('User not found.') },
  { name: 'an unknown API route', method: 'GET', path: () => '/api/nothing-here', expected: missing('Route not found.') },
];

const socketCases: SocketCase[] = [
  // Payloads that are not objects
  { name: 'message:send with a string', event: 'message:send', args: () => ['hello'], expected: { code: 'invalid_input' } },
  { name: 'message:send with null', event: 'message:send', args: () => [null], expected: { code: 'invalid_input' } },
  { name: 'message:send with an array', event: 'message:send', args: (i) => [[i.chat, 'c', 'hi']], expected: { code: 'invalid_input' } },
  { name: 'message:send with a number', event: 'message:send', args: () => [42], expected: { code: 'invalid_input' } },
  { name: 'message:send with a boolean', event: 'message:send', args: () => [true], expected: { code: 'invalid_input' } },
  { name: 'message:send with no payload, only the ack', event: 'message:send', args: () => [], expected: { code: 'invalid_input' } },
  { name: 'message:send with binary', event: 'message:send', args: () => [Buffer.from('hello')], expected: { code: 'invalid_input' } },
  // Fields
  { name: 'message:send with an empty object', event: 'message:send', args: () => [{}], expected: { code: 'invalid_input' } },
  { name: 'message:send without clientId', event: 'message:send', args: (i) => [{ chatId: i.chat, body: 'hi' }], expected: { code: 'invalid_input', message: 'clientId: Invalid input: expected string, received undefined' } },
  { name: 'message:send with an empty clientId', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: '', body: 'hi' }], expected: { code: 'invalid_input' } },
  { name: 'message:send with a numeric clientId', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 5, body: 'hi' }], expected: { code: 'invalid_input' } },
  { name: 'message:send without chatId', event: 'message:send', args: () => [{ clientId: 'c', body: 'hi' }], expected: { code: 'invalid_input' } },
  { name: 'message:send with a non-uuid chatId', event: 'message:send', args: () => [{ chatId: 'general', clientId: 'c', body: 'hi' }], expected: { code: 'invalid_input' } },
  { name: 'message:send with an object body', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c', body: { text: 'hi' } }], expected: { code: 'invalid_input' } },
  { name: 'message:send with an empty body', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c', body: '' }], expected: { code: 'invalid_input', message: 'body: a message needs a body or attachments' } },
  { name: 'message:send one character over the limit', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c', body: 'x'.repeat(BODY_LIMIT + 1) }], expected: { code: 'invalid_input', message: `body: at most ${BODY_LIMIT} characters` } },
  { name: 'message:send with attachmentIds as a string', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c', attachmentIds: randomUUID() }], expected: { code: 'invalid_input' } },
  { name: 'message:send with eleven attachments', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c', attachmentIds: Array.from({ length: 11 }, () => randomUUID()) }], expected: { code: 'invalid_input' } },
  { name: 'message:send with an unknown attachment', event: 'message:send', args: (i) => [{ chatId: i.chat, clientId: 'c-att', attachmentIds: [randomUUID()] }], expected: { code: 'not_found', message: 'Attachment not found.' } },
  { name: 'message:send to an unknown chat', event: 'message:send', args: () => [{ chatId: randomUUID(), clientId: 'c', body: 'hi' }], expected: { code: 'not_found', message: 'Chat not found.' } },
  // Watermarks
  { name: 'chat:read with a negative seq', event: 'chat:read', args: (i) => [{ chatId: i.chat, seq: -1 }], expected: { code: 'invalid_input' } },
  { name: 'chat:read with a string seq', event: 'chat:read', args: (i) => [{ chatId: i.chat, seq: '1' }], expected: { code: 'invalid_input' } },
  { name: 'chat:read with a non-uuid chatId', event: 'chat:read', args: () => [{ chatId: 'x', seq: 1 }], expected: { code: 'invalid_input' } },
  { name: 'chat:read with a string payload', event: 'chat:read', args: () => ['read'], expected: { code: 'invalid_input' } },
  { name: 'chat:read of an unknown chat', event: 'chat:read', args: () => [{ chatId: randomUUID(), seq: 1 }], expected: { code: 'not_found', message: 'Chat not found.' } },
  { name: 'chat:delivered without seq', event: 'chat:delivered', args: (i) => [{ chatId: i.chat }], expected: { code: 'invalid_input' } },
  { name: 'chat:delivered with a fractional seq', event: 'chat:delivered', args: (i) => [{ chatId: i.chat, seq: 0.5 }], expected: { code: 'invalid_input' } },
  { name: 'chat:delivered with null', event: 'chat:delivered', args: () => [null], expected: { code: 'invalid_input' } },
  // Typing and sync
  { name: 'typing with a string flag', event: 'typing', args: (i) => [{ chatId: i.chat, typing: 'yes' }], expected: { code: 'invalid_input' } },
  { name: 'typing with an array', event: 'typing', args: () => [[]], expected: { code: 'invalid_input' } },
  { name: 'typing in an unknown chat', event: 'typing', args: () => [{ chatId: randomUUID(), typing: true }], expected: { code: 'not_found' } },
  { name: 'chat:sync with chats as a string', event: 'chat:sync', args: () => [{ chats: 'all' }], expected: { code: 'invalid_input' } },
  { name: 'chat:sync with a non-uuid key', event: 'chat:sync', args: () => [{ chats: { general: 0 } }], expected: { code: 'invalid_input' } },
  { name: 'chat:sync with a negative seq', event: 'chat:sync', args: (i) => [{ chats: { [i.chat]: -5 } }], expected: { code: 'invalid_input' } },
  { name: 'chat:sync with an array', event: 'chat:sync', args: (i) => [[i.chat]], expected: { code: 'invalid_input' } },
  { name: 'chat:sync of an unknown chat', event: 'chat:sync', args: () => [{ chats: { [randomUUID()]: 0 } }], expected: { code: 'not_found', message: 'Chat not found.' } },
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
  ids = { chat: direct.body.chat.id, group: grouped.body.chat.id, alice: alice.user.id, bob: bob.user.id };
  aliceSocket = await server.connect(alice);
  bobSocket = await server.connect(bob);
  // Anything the server logs as an error is an internal failure (a 500), which no input may cause.
  loggedErrors = vi.spyOn(server.running.services.logger, 'error');
});

// The fixture closes the sockets and the server after this.
afterAll(() => {
  loggedErrors?.mockRestore();
});

describe('malformed REST requests', () => {
  it('has a large enough table', () => {
    expect(restCases.length + socketCases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(restCases.map((c) => c.name)).size).toBe(restCases.length);
    expect(new Set(socketCases.map((c) => c.name)).size).toBe(socketCases.length);
  });

  it.each(restCases)('$name -> $expected.status $expected.code', async ({ method, path, body, as, expected }) => {
    const token = as === 'admin' ? server.admin.token : alice.token;
    const response = await new Api(server.url, token).request(method, path(ids), body?.(ids));
    expect(response.status).toBe(expected.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({ error: { code: expected.code, message: expected.message ?? expect.any(String) } });
  });
});

describe('malformed socket events', () => {
  it.each(socketCases)('$name -> $expected.code', async ({ event, args, expected }) => {
    const ack = await aliceSocket.emitAck(event, ...args(ids));
    expect(ack).toEqual({ ok: false, error: { code: expected.code, message: expected.message ?? expect.any(String) } });
    expect(aliceSocket.socket.connected).toBe(true);
  });

  it('survives the same payloads without an ack callback, and garbage event names', async () => {
    for (const { event, args } of socketCases) aliceSocket.socket.emit(event, ...args(ids));
    for (const name of ['nonsense', '', 'message:send:now', 'constructor', '__proto__', 'hasOwnProperty', 'toString', 'x'.repeat(5000)]) {
      aliceSocket.socket.emit(name, { chatId: ids.chat, clientId: 'c', body: 'hi' });
      aliceSocket.socket.emit(name, () => undefined);
    }
    aliceSocket.socket.emit('message:send');
    aliceSocket.socket.emit('typing', { chatId: ids.chat, typing: true }, 'extra', 3);
    // A round trip after all of them: the connection is still served.
    const sync = await aliceSocket.emitAck('chat:sync', { chats: { [ids.chat]: 0 } });
    expect(sync).toMatchObject({ ok: true, notFound: [] });
    expect(aliceSocket.socket.connected).toBe(true);
    // None of the malformed sends became a message.
    expect(sync.messages).toEqual([]);
  });

  it('survives a connection that breaks the packet format', async () => {
    const rogue = await connectSocket(server.url, bob.token);
    const closed = new Promise<string>((resolve) => rogue.socket.once('disconnect', (reason) => resolve(reason)));
    // A reserved event name the client library refuses to send: only a hand-made packet carries it.
    (rogue.socket as unknown as { packet(packet: { type: number; data: unknown[]; nsp: string }): void }).packet({ type: 2, data: ['disconnect', 'spoofed'], nsp: '/' });
    expect(await closed).toBe('transport close');
    const again = await connectSocket(server.url, bob.token);
    expect((await again.emitAck('chat:sync', { chats: {} })).ok).toBe(true);
    again.close();
  });
});

describe('after the malformed input', () => {
  it('still serves, and a normal message still goes through', async () => {
    const health = await new Api(server.url).get('/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });

    const ack = await aliceSocket.emitAck('message:send', { chatId: ids.chat, clientId: randomUUID(), body: 'still working' });
    expect(ack).toMatchObject({ ok: true, id: expect.any(String) });
    await bobSocket.waitFor(() => bobSocket.received('message:new').some((m) => m.id === ack.id && m.body === 'still working'), 'the message at Bob');

    const rest = await server.api(bob.token).post(`/api/chats/${ids.chat}/messages`, { clientId: randomUUID(), body: 'x'.repeat(BODY_LIMIT) });
    expect(rest.status).toBe(201);
    const history = await server.api(alice.token).get(`/api/chats/${ids.chat}/messages?limit=200`);
    expect(history.status).toBe(200);
    const messages = history.body.messages as { seq: number; body: string; kind: string }[];
    // Exactly the two good messages were stored, with contiguous seqs.
    expect(messages.filter((m) => m.kind !== 'system').map((m) => m.body.length)).toEqual(['still working'.length, BODY_LIMIT]);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));

    const fresh = await connectSocket(server.url, bob.token);
    expect((await fresh.emitAck('chat:read', { chatId: ids.chat, seq: messages.at(-1)!.seq })).ok).toBe(true);
    fresh.close();

    const metrics = await new Api(server.url, server.admin.token).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).not.toMatch(/chatflow_http_requests_total\{status="5xx"\}/);
    expect(loggedErrors).not.toHaveBeenCalled();
  });
});
