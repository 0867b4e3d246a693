
import { describe, expect, it } from 'vitest';
import { ORPHAN_UPLOADS_JOB } from '../../app/server/jobs/orphan-uploads.ts';
import { DEFAULT_SETTINGS } from '../../app/server/settings/settings-service.ts';
import { MEDIA_STORES, useMediaServer } from '../support/media-server.ts';
import { makePdf, makePng } from '../support/media-samples.ts';
import type { ServerFixture } from '../support/server-fixture.ts';
import { streamUpload, uploadFile } from '../support/uploads.ts';
import { randomUUID } from 'node:crypto';

const MIB = 1024 * 1024;

async function storedKeys(server: ServerFixture): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const key of server.running.services.media.list()) keys.add(key);
  return keys;
}

describe.each(MEDIA_STORES)('upload limits and clean-up on the %s store', (store) => {
  const server = useMediaServer(store, { env: { CHATFLOW_UPLOAD_ORPHAN_SECONDS: '2', CHATFLOW_UPLOAD_RATE: '3' } });

  it('limits uploads per user (429), without holding back anyone else', async () => {
    const [busy, calm] = [await server.createUser(), await server.createUser()];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await uploadFile(server.url, busy.token, { name: `f${i}.pdf`, data: makePdf() })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await uploadFile(server.url, busy.token, { name: 'again.pdf', data: makePdf() });
    expect(limited.body.error?.code).toBe('rate_limited');
    expect((await uploadFile(server.url, calm.token, { name: 'calm.pdf', data: makePdf() })).status).toBe(201);
  });

  it('streams a 200 MB upload with the heap growing by less than 50 MB', async () => {
    const user = await server.createUser();
    await server.api(server.admin.token).patch('/api/admin/settings', { uploadMaxBytes: 300 * MIB });
    try {
      const fileBytes = 200 * MIB;
      // The server runs in this process. Buffers live outside the V8 heap, so they are counted too:
      // a file gathered into Buffers would show here.
      const used = () => {
        const memory = process.memoryUsage();
        return { heap: memory.heapUsed, buffers: memory.arrayBuffers };
      };
      const before = used();
      const peak = { ...before };
      const sample = () => {
        const now = used();
        peak.heap = Math.max(peak.heap, now.heap);
        peak.buffers = Math.max(peak.buffers, now.buffers);
      };
      const sampler = setInterval(sample, 10);
      let result;
      try {
        result = await streamUpload(server.url, user.token, { name: 'huge.pdf', fileBytes, firstChunk: makePdf() });
      } finally {
        clearInterval(sampler);
      }
      sample();
      const heapMb = (peak.heap - before.heap) / MIB;
      const buffersMb = (peak.buffers - before.buffers) / MIB;
      console.info(`200 MB upload (${store}): heap grew by ${heapMb.toFixed(1)} MB at most, buffers by ${buffersMb.toFixed(1)} MB`);
      expect(result.status, JSON.stringify(result.body)).toBe(201);
      expect(result.body.attachment).toMatchObject({ kind: 'file', mime: 'application/pdf', size: fileBytes });
      expect(heapMb).toBeLessThan(50);
      // Freed Buffers wait for the collector, so this bound is looser; the whole file would break it.
      expect(buffersMb).toBeLessThan(100);
      const response = await fetch(`${server.url}${result.body.attachment.url}`, { headers: { authorization: `Bearer ${user.token}`, range: `bytes=${fileBytes - 4}-` } });
      expect(response.status).toBe(206);
      expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('aaaa');
    } finally {
      await server.api(server.admin.token).patch('/api/admin/settings', { uploadMaxBytes: DEFAULT_SETTINGS.uploadMaxBytes });
    }
  });

  it('removes uploads never sent once they are older than CHATFLOW_UPLOAD_ORPHAN_SECONDS, from the table and the store', async () => {
    const [owner, peer] = [await server.createUser(), await server.createUser()];
    const direct = await server.api(owner.token).post('/api/chats/direct', { userId: peer.user.id });
    const chatId = direct.body.chat.id as string;
    const orphan = (await uploadFile(server.url, owner.token, { name: 'forgotten.png', data: await makePng(800, 600) })).body.attachment;
    const sent = (await uploadFile(server.url, owner.token, { name: 'kept.png', data: await makePng(800, 600) })).body.attachment;
    const ack = await server.api(owner.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), attachmentIds: [sent.id] });
    expect(ack.status).toBe(201);
    const knex = server.running.services.knex;
    const keysOf = async (id: string) => {
      const row = await knex('attachments').where({ id }).first('storageKey', 'thumbnailKey');
      return row ? [row.storageKey as string, row.thumbnailKey as string] : [];
    };
    const orphanKeys = await keysOf(orphan.id);
    const sentKeys = await keysOf(sent.id);
    expect(orphanKeys).toHaveLength(2);

    // Too young to go: a fresh upload survives a run.
    await server.running.services.jobs.runNow(ORPHAN_UPLOADS_JOB);
    expect(await knex('attachments').where({ id: orphan.id }).first()).toBeDefined();

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const run = await server.running.services.jobs.runNow(ORPHAN_UPLOADS_JOB);
    expect(run.error).toBeUndefined();
    expect(await knex('attachments').where({ id: orphan.id }).first()).toBeUndefined();
    const stored = await storedKeys(server);
    for (const key of orphanKeys) expect(stored.has(key), key).toBe(false);
    for (const key of sentKeys) expect(stored.has(key), key).toBe(true);
    expect(await knex('attachments').where({ id: sent.id }).first()).toBeDefined();
    const gone = await fetch(`${server.url}${orphan.url}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(gone.status).toBe(404);
    // Sending it now is refused: it no longer exists.
    const late = await server.api(owner.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), attachmentIds: [orphan.id] });
    expect(late.status).toBe(404);
  });
});
