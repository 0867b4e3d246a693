import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/server/config.ts';
import { DiskMediaStore } from '../../app/server/storage/disk-media-store.ts';
import { mediaKey, MediaNotFoundError, MediaTooLargeError, type MediaStore } from '../../app/server/storage/media-store.ts';
import { S3MediaStore } from '../../app/server/storage/s3-media-store.ts';
import { MEDIA_STORES } from '../support/media-server.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { startTestServer } from '../support/test-server.ts';

const s3Settings = (env: Record<string, string>) => loadConfig(env).s3!;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function keysOf(store: MediaStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list()) keys.push(key);
  return keys.sort();
}

describe.each(MEDIA_STORES)('the %s media store', (kind) => {
  let store: MediaStore;
  let s3: TestS3Server | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-store-'));
    if (kind === 's3') s3 = await startS3Server();
    store = kind === 's3' ? new S3MediaStore(s3Settings(s3!.env)) : new DiskMediaStore(path.join(dir, 'media'));
    await store.init();
    // A second start (another replica) finds the bucket or directory and is fine with it.
    await store.init();
  });

  afterAll(async () => {
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers its readiness check', async () => {
    expect(await store.check()).toBe(true);
  });

  it('puts, stats, reads whole and by range, lists and removes', async () => {
    const key = mediaKey(randomUUID());
    const data = randomBytes(300_000);
    expect(await store.put(key, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { contentType: 'application/pdf', maxBytes: data.length, size: data.length })).toEqual({ key, size: data.length });
    expect(await store.stat(key)).toEqual({ size: data.length });
    expect((await collect(await store.get(key))).equals(data)).toBe(true);
    expect((await collect(await store.get(key, { start: 1234, end: 99_999 }))).equals(data.subarray(1234, 100_000))).toBe(true);
    expect(await keysOf(store)).toContain(key);
    await store.remove([key]);
    expect(await store.stat(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(MediaNotFoundError);
    // Removing what is gone is fine.
    await store.remove([key]);
  });

  it('fails a put past its limit and leaves nothing behind', async () => {
    const before = await keysOf(store);
    const key = mediaKey(randomUUID());
    const data = randomBytes(70_000);
    const size = kind === 's3' ? { size: data.length } : {};
    await expect(store.put(key, Readable.from([data.subarray(0, 40_000), data.subarray(40_000)]), { contentType: 'text/plain', maxBytes: 50_000, ...size })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(await store.stat(key)).toBeNull();
    expect(await keysOf(store)).toEqual(before);
    if (kind === 'disk') expect((await readdir(path.join(dir, 'media'))).filter((name) => name.startsWith('.partial-'))).toEqual([]);
  });

  it('refuses keys that could name something outside the store', async () => {
    await expect(store.put('../../etc/passwd', Readable.from(['x']), { contentType: 'text/plain', maxBytes: 10, size: 1 })).rejects.toThrow(/not a media key/);
    await expect(store.stat('ab/../../x')).rejects.toThrow(/not a media key/);
  });
});

describe('the disk store without a known size', () => {
  it('streams to a temporary name and renames, so no half file ever has a real name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-store-'));
    try {
      const store = new DiskMediaStore(dir);
      await store.init();
      const key = mediaKey(randomUUID());
      const stored = await store.put(key, Readable.from(['hello ', 'world']), { contentType: 'text/plain', maxBytes: 100 });
      expect(stored).toEqual({ key, size: 11 });
      expect(await text(await store.get(key))).toBe('hello world');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the S3 store against a server that checks signatures', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3.close();
  });

  it('creates its bucket at start and reports it on /readyz', async () => {
    const server = await startTestServer({ env: s3.env });
    try {
      const ready = await server.api().get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.media).toBe('ok');
      const direct = new S3MediaStore(s3Settings(s3.env));
      expect(await direct.check()).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('is refused with a wrong secret key (so a start with it fails at once)', async () => {
    const wrong = new S3MediaStore(s3Settings({ ...s3.env, S3_SECRET_KEY: 'not-the-secret', S3_BUCKET: 'another-bucket' }));
    await expect(wrong.init()).rejects.toThrow(/credentials|signature/i);
    expect(await wrong.check()).toBe(false);
  });
});
