import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../support/server-fixture.ts';

const CLIENTS = 20;
const PER_CLIENT = 500;
const TOTAL = CLIENTS * PER_CLIENT;
// Sends in flight per client: enough to form real batches in the writer.
const WINDOW = 25;

const server = useTestServer();

describe('many senders into one group', () => {
  it(`keeps one gap-free order for ${TOTAL} concurrent messages and delivers all of them to everyone`, async () => {
    const users = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => server.createUser({ name: `Sender ${i}` })));
    const created = await server.api(users[0]!.token).post('/api/chats/groups', { name: 'Load', memberIds: users.slice(1).map((u) => u.user.id) });
    expect(created.status).toBe(201);
    const chatId = created.body.chat.id as string;
    const sockets = await Promise.all(users.map((u) => server.connect(u)));

    const ackedIds = new Map<string, string>();
    await Promise.all(
      sockets.map(async (socket, client) => {
        for (let start = 0; start < PER_CLIENT; start += WINDOW) {
          const window = Array.from({ length: Math.min(WINDOW, PER_CLIENT - start) }, (_, k) => {
            const clientId = `c${client}-m${start + k}`;
            return socket.emitAck('message:send', { chatId, clientId, body: `${client}:${start + k}` }).then((ack) => {
              expect(ack.ok, JSON.stringify(ack)).toBe(true);
              ackedIds.set(`${client}:${clientId}`, ack.id as string);
            });
          });
          await Promise.all(window);
        }
      }),
    );
    expect(ackedIds.size).toBe(TOTAL);

    const rows = (await server.running.services.knex('messages').where({ chatId }).orderBy('seq').select('seq', 'id')) as { seq: number; id: string }[];
    expect(rows).toHaveLength(TOTAL);
    expect(rows[0]!.seq).toBe(1);
    expect(rows[TOTAL - 1]!.seq).toBe(TOTAL);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(TOTAL);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ackedIds.values()));

    for (const socket of sockets) {
      await socket.waitFor(() => socket.received('message:new').length >= TOTAL, 'all messages', 120_000);
      const seqs = socket.received<{ seq: number; chatId: string }>('message:new').filter((m) => m.chatId === chatId).map((m) => m.seq);
      expect(seqs).toHaveLength(TOTAL);
      // Exactly once each, and in seq order.
      expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
    }

    // A retried send returns the same id and adds nothing.
    const retry = await sockets[3]!.emitAck('message:send', { chatId, clientId: 'c3-m7', body: 'different text, same clientId' });
    expect(retry).toMatchObject({ ok: true, id: ackedIds.get('3:c3-m7') });
    const fresh = await sockets[3]!.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'one more' });
    expect(fresh).toMatchObject({ ok: true, seq: TOTAL + 1 });
    const [{ count }] = (await server.running.services.knex('messages').where({ chatId }).count('* as count')) as [{ count: number }];
    expect(Number(count)).toBe(TOTAL + 1);
  }, 240_000);
});
