import { describe, expect, it } from 'vitest';
import { RETENTION_JOB } from '../../app/server/jobs/retention-job.ts';
import { useTestServer, type ServerFixture } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';

async function group(server: ServerFixture, owner: TestUser, name: string, members: TestUser[]): Promise<string> {
  const created = await server.api(owner.token).post('/api/chats/groups', { name, memberIds: members.map((m) => m.user.id) });
  expect(created.status).toBe(201);
  return created.body.chat.id as string;
}

async function send(server: ServerFixture, who: TestUser, chatId: string, bodies: string[]) {
  const socket = await server.connect(who);
  for (const body of bodies) {
    const ack = await socket.emitAck('message:send', { chatId, clientId: `${body}-${chatId}`, body });
    expect(ack.ok).toBe(true);
  }
  // The writer has committed once the history holds every body.
  await expect
    .poll(async () => {
      const page = await server.api(who.token).get(`/api/chats/${chatId}/messages?limit=100`);
      return (page.body.messages as { body: string }[]).map((m) => m.body);
    }, { timeout: 15_000 })
    .toEqual(expect.arrayContaining(bodies));
}

/** Makes these messages `days` old, as if sent back then. */
async function backdate(server: ServerFixture, chatId: string, bodies: string[], days: number) {
  const when = new Date(Date.now() - days * 86_400_000);
  const knex = server.running.services.knex;
  const updated = await knex('messages').where({ chatId }).whereIn('body', bodies).update({ createdAt: when });
  expect(updated).toBe(bodies.length);
}

async function chatOf(server: ServerFixture, who: TestUser, chatId: string) {
  const list = await server.api(who.token).get('/api/chats');
  return (list.body.chats as { id: string; unreadCount: number; lastMessage: { body: string } | null }[]).find((c) => c.id === chatId);
}

describe('message retention', () => {
  const server = useTestServer();

  it('refuses non-admins on the retention routes', async () => {
    const alice = await server.createUser({ name: 'Alice' });
    expect((await server.api().get('/api/admin/retention')).status).toBe(401);
    expect((await server.api(alice.token).get('/api/admin/retention')).status).toBe(403);
    expect((await server.api(alice.token).post('/api/admin/retention/run')).status).toBe(403);
  });

  it('keeps everything while retention is off (null or 0)', async () => {
    const [alice, bob] = [await server.createUser(), await server.createUser()];
    const chatId = await group(server, alice, 'Forever', [bob]);
    await send(server, alice, chatId, ['ancient one']);
    await backdate(server, chatId, ['ancient one'], 400);
    const admin = server.api(server.admin.token);
    for (const retentionDays of [null, 0]) {
      expect((await admin.patch('/api/admin/settings', { retentionDays })).status).toBe(200);
      const run = await server.running.services.jobs.runNow(RETENTION_JOB);
      expect(run.report).toEqual({ retentionDays: 0, removed: 0 });
    }
    expect((await chatOf(server, bob, chatId))?.lastMessage?.body).toBe('ancient one');
  });

  it('removes exactly the messages older than the period; previews and unread counts follow', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const allOld = await group(server, alice, 'All old', [bob]);
    const mixed = await group(server, alice, 'Mixed', [bob]);
    const oldBodies = ['old 1', 'old 2', 'old 3'];
    await send(server, alice, allOld, oldBodies);
    await send(server, alice, mixed, [...oldBodies, 'new 1', 'new 2']);
    await backdate(server, allOld, oldBodies, 3);
    await backdate(server, mixed, oldBodies, 3);
    const before = await chatOf(server, bob, mixed);
    const knex = server.running.services.knex;
    // A file on an old message goes with it; one on a kept message stays.
    const [oldMessage] = (await knex('messages').where({ chatId: mixed, body: 'old 1' }).select('id')) as { id: string }[];
    const [newMessage] = (await knex('messages').where({ chatId: mixed, body: 'new 1' }).select('id')) as { id: string }[];
    const file = (messageId: string, key: string) => ({ uploaderId: alice.user.id, messageId, kind: 'file', name: `${key}.pdf`, mime: 'application/pdf', size: 10, storageKey: key });
    await knex('attachments').insert([file(oldMessage!.id, 'retention-old'), file(newMessage!.id, 'retention-new')]);
    const total = Number((await knex('messages').count<{ count: string }[]>('* as count'))[0]!.count);
    const oldCount = Number((await knex('messages').where('createdAt', '<', new Date(Date.now() - 86_400_000)).count<{ count: string }[]>('* as count'))[0]!.count);
    expect(oldCount).toBeGreaterThanOrEqual(6);

    const admin = server.api(server.admin.token);
    expect((await admin.patch('/api/admin/settings', { retentionDays: 1 })).status).toBe(200);
    const ran = await admin.post('/api/admin/retention/run');
    expect(ran.status).toBe(200);
    expect(ran.body).toMatchObject({ skipped: false, error: null, lastRun: { retentionDays: 1, removed: oldCount, complete: true } });

    expect(Number((await knex('messages').count<{ count: string }[]>('* as count'))[0]!.count)).toBe(total - oldCount);
    expect(ran.body.lastRun.attachments).toBe(1);
    expect(((await knex('attachments').whereIn('storageKey', ['retention-old', 'retention-new']).select('storageKey')) as { storageKey: string }[]).map((r) => r.storageKey)).toEqual(['retention-new']);
    const history = await server.api(bob.token).get(`/api/chats/${mixed}/messages?limit=100`);
    expect((history.body.messages as { body: string; kind: string }[]).filter((m) => m.kind !== 'system').map((m) => m.body)).toEqual(['new 1', 'new 2']);
    const emptied = await server.api(bob.token).get(`/api/chats/${allOld}/messages?limit=100`);
    expect(emptied.body.messages).toEqual([]);

    const afterMixed = await chatOf(server, bob, mixed);
    expect(afterMixed?.lastMessage?.body).toBe('new 2');
    expect(before!.unreadCount).toBeGreaterThan(2);
    expect(afterMixed?.unreadCount).toBe(2);
    expect(await chatOf(server, bob, allOld)).toMatchObject({ unreadCount: 0, lastMessage: null });

    const panel = await admin.get('/api/admin/retention');
    expect(panel.body).toMatchObject({ retentionDays: 1, lastRun: { removed: oldCount, chats: expect.any(Number) } });
    const audit = await admin.get('/api/admin/audit?action=retention.run');
    expect(audit.body.entries[0]).toMatchObject({ action: 'retention.run', actor: { id: server.admin.user.id } });

    // A second run finds nothing more to remove.
    expect((await admin.post('/api/admin/retention/run')).body.lastRun.removed).toBe(0);
  });
});
