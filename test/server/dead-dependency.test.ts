import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';

const server = useTestServer();

/** A connection of the test's own to the server's database, outside the server's pool. */
async function outsideConnection() {
  const { connectionString } = server.running.services.knex.client.config.connection as { connectionString: string };
  const client = new pg.Client({ connectionString });
  await client.connect();
  return client;
}

/** Sets the database read-only (or back) and ends every connection of the server's pool. */
async function setReadOnly(on: boolean) {
  const client = await outsideConnection();
  try {
    await client.query('SET default_transaction_read_only = off');
    const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
    await client.query(`ALTER DATABASE "${rows[0]!.name}" ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  } finally {
    await client.end();
  }
}

describe('a failing database', () => {
  it('refuses sends with a retryable error, keeps serving, and accepts the same send once it recovers', async () => {
    const [ann, ben] = [await server.createUser(), await server.createUser()];
    const chatId = (await server.api(ann.token).post('/api/chats/direct', { userId: ben.user.id })).body.chat.id as string;
    const socket = await server.connect(ann);
    expect((await socket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'before' })).ok).toBe(true);

    // A failover to a read-only server: every connection refuses writes.
    await setReadOnly(true);

    const clientId = randomUUID();
    const refused = await socket.emitAck('message:send', { chatId, clientId, body: 'during' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect((await server.api().get('/healthz')).status).toBe(200);
    expect((await server.api(ben.token).get(`/api/chats/${chatId}/messages`)).body.messages).toHaveLength(1);

    await setReadOnly(false);

    // A client retries a retryable refusal: the pool may still hold a connection the failover ended,
    // so the first retry can be refused again; within a few seconds the same send is accepted.
    let retried = await socket.emitAck('message:send', { chatId, clientId, body: 'during' });
    for (let attempt = 0; !retried.ok && attempt < 20; attempt++) {
      expect(retried).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await new Promise((resolve) => setTimeout(resolve, 250));
      retried = await socket.emitAck('message:send', { chatId, clientId, body: 'during' });
    }
    expect(retried).toMatchObject({ ok: true, seq: 2 });
    const again = await socket.emitAck('message:send', { chatId, clientId, body: 'during' });
    expect(again).toMatchObject({ ok: true, id: retried.id });
    const history = await server.api(ben.token).get(`/api/chats/${chatId}/messages`);
    expect(history.body.messages.map((m: { body: string }) => m.body)).toEqual(['before', 'during']);
  });
});
