import { createHash } from 'node:crypto';
import http from 'node:http';
import sharp from 'sharp';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/server/settings/settings-service.ts';
import { MEDIA_STORES, useMediaServer } from '../support/media-server.ts';
import { makeAnimatedGif, makeElf, makeMp4, makePdf, makePng, makeVoiceNote } from '../support/media-samples.ts';
import type { ServerFixture } from '../support/server-fixture.ts';
import { streamUpload, uploadFile } from '../support/uploads.ts';

const MIB = 1024 * 1024;
const sha256 = (data: Buffer | ArrayBuffer) => createHash('sha256').update(Buffer.from(data as ArrayBuffer)).digest('hex');

async function storedKeys(server: ServerFixture): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of server.running.services.media.list()) keys.push(key);
  return keys.sort();
}

async function stagingFiles(server: ServerFixture): Promise<string[]> {
  return readdir(path.join(server.running.services.config.dataDir, 'uploads-staging')).catch(() => []);
}

function download(server: ServerFixture, token: string | undefined, url: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${url}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

async function setSettings(server: ServerFixture, patch: Record<string, unknown>) {
  const response = await server.api(server.admin.token).patch('/api/admin/settings', patch);
  expect(response.status).toBe(200);
}

describe.each(MEDIA_STORES)('uploads and downloads on the %s store', (store) => {
  const server = useMediaServer(store);

  it('refuses uploads and downloads without a signed-in user (401)', async () => {
    const upload = await uploadFile(server.url, undefined, { name: 'a.pdf', data: makePdf() });
    expect(upload.status).toBe(401);
    expect(upload.body.error?.code).toBe('unauthorized');
    const owner = await server.createUser();
    const { body } = await uploadFile(server.url, owner.token, { name: 'a.pdf', data: makePdf() });
    expect((await download(server, undefined, body.attachment.url)).status).toBe(401);
  });

  it('answers 415 for a body that is not multipart, 400 invalid_input for no file part or an empty file', async () => {
    const user = await server.createUser();
    const json = await server.api(user.token).post('/api/uploads', { file: 'nope' });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('unsupported_type');

    const form = new FormData();
    form.append('other', 'value');
    const noFile = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${user.token}` } });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'invalid_input', message: 'Send the file in a part named "file".' });

    const empty = await uploadFile(server.url, user.token, { name: 'empty.txt', data: Buffer.alloc(0) });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toBe('The file is empty.');
  });

  it('refuses an executable renamed .png with 415, whatever the name and Content-Type claim', async () => {
    const user = await server.createUser();
    const before = await storedKeys(server);
    const result = await uploadFile(server.url, user.token, { name: 'holiday.png', data: makeElf(), type: 'image/png' });
    expect(result.status).toBe(415);
    expect(result.body.error?.code).toBe('unsupported_type');
    expect(result.body.error?.message).toContain('application/x-elf');
    expect(await storedKeys(server)).toEqual(before);
    expect(await stagingFiles(server)).toEqual([]);
  });

  it('answers 413 before the whole body was sent, and keeps nothing of it', async () => {
    const user = await server.createUser();
    await setSettings(server, { uploadMaxBytes: 1 * MIB });
    try {
      const before = await storedKeys(server);
      // Chunked (no Content-Length), so the limit can only be found while streaming.
      const result = await streamUpload(server.url, user.token, { name: 'big.pdf', fileBytes: 256 * MIB, firstChunk: makePdf() });
      console.info(`413 (${store}): ${result.bytesSent} of ${result.totalBytes} bytes sent before the answer`);
      expect(result.status).toBe(413);
      expect(result.body.error).toEqual({ code: 'too_large', message: `The file is larger than the limit of ${1 * MIB} bytes.` });
      expect(result.bytesSent).toBeLessThan(result.totalBytes / 8);
      expect(await storedKeys(server)).toEqual(before);
      expect(await stagingFiles(server)).toEqual([]);
    } finally {
      await setSettings(server, { uploadMaxBytes: DEFAULT_SETTINGS.uploadMaxBytes });
    }
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    const user = await server.createUser();
    const before = await storedKeys(server);
    const boundary = 'abandon-boundary';
    const request = http.request(new URL('/api/uploads', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    request.on('error', () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\n\r\n`);
    request.write(Buffer.concat([makePdf(), Buffer.alloc(512 * 1024, 0x20)]));
    await expect.poll(() => stagingFiles(server)).toHaveLength(1);
    request.destroy();
    await expect.poll(() => stagingFiles(server)).toEqual([]);
    expect(await storedKeys(server)).toEqual(before);
  });

  it('answers 413 at once when the declared length cannot fit', async () => {
    const user = await server.createUser();
    await setSettings(server, { uploadMaxBytes: 1 * MIB });
    try {
      const data = Buffer.concat([makePdf(), Buffer.alloc(2 * MIB)]);
      const result = await uploadFile(server.url, user.token, { name: 'big.pdf', data });
      expect(result.status).toBe(413);
      expect(result.body.error?.code).toBe('too_large');
    } finally {
      await setSettings(server, { uploadMaxBytes: DEFAULT_SETTINGS.uploadMaxBytes });
    }
  });

  it('refuses a type the admin did not allow (415) and takes it once allowed', async () => {
    const user = await server.createUser();
    await setSettings(server, { allowedUploadTypes: ['image/*'] });
    try {
      const refused = await uploadFile(server.url, user.token, { name: 'doc.pdf', data: makePdf() });
      expect(refused.status).toBe(415);
      expect(refused.body.error?.message).toBe('Files of type application/pdf are not accepted here.');
    } finally {
      await setSettings(server, { allowedUploadTypes: DEFAULT_SETTINGS.allowedUploadTypes });
    }
    const taken = await uploadFile(server.url, user.token, { name: 'doc.pdf', data: makePdf() });
    expect(taken.status).toBe(201);
  });

  it('stores a file and serves it to its uploader byte for byte, with Range, ETag and the headers of a download', async () => {
    const user = await server.createUser();
    const pdf = makePdf();
    const result = await uploadFile(server.url, user.token, { name: 'Report 2026.pdf', data: pdf, type: 'text/plain' });
    expect(result.status).toBe(201);
    const { attachment } = result.body;
    expect(attachment).toEqual({
      id: expect.any(String),
      kind: 'file',
      name: 'Report 2026.pdf',
      mime: 'application/pdf',
      size: pdf.length,
      url: `/api/attachments/${attachment.id}`,
      thumbnailUrl: null,
    });

    const whole = await download(server, user.token, attachment.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('content-length')).toBe(String(pdf.length));
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    expect(whole.headers.get('content-disposition')).toBe(`attachment; filename="Report 2026.pdf"; filename*=UTF-8''Report%202026.pdf`);
    expect(whole.headers.get('etag')).toBe(`"${sha256(pdf)}"`);
    expect(sha256(await whole.arrayBuffer())).toBe(sha256(pdf));

    const part = await download(server, user.token, attachment.url, { range: 'bytes=5-24' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-24/${pdf.length}`);
    expect(part.headers.get('content-length')).toBe('20');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(pdf.subarray(5, 25));

    const suffix = await download(server, user.token, attachment.url, { range: 'bytes=-10' });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer())).toEqual(pdf.subarray(pdf.length - 10));

    const beyond = await download(server, user.token, attachment.url, { range: `bytes=${pdf.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${pdf.length}`);

    const cached = await download(server, user.token, attachment.url, { 'if-none-match': `"${sha256(pdf)}"` });
    expect(cached.status).toBe(304);

    const head = await fetch(`${server.url}${attachment.url}`, { method: 'HEAD', headers: { authorization: `Bearer ${user.token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(pdf.length));
    expect(head.headers.get('content-type')).toBe('application/pdf');
  });

  it('sanitises file names: no path parts, no control characters, bounded length', async () => {
    const user = await server.createUser();
    // RFC 5987 lets a client send any character in a name, control characters included.
    const boundary = 'sanitise-boundary';
    const body = [
      `--${boundary}`,
      `Content-Disposition: form-data; name="file"; filename*=UTF-8''..%2F..%2Fetc%2Fpa%07ss%E2%80%AEwd.txt`,
      'Content-Type: text/plain',
      '',
      'hello',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const tricky = await server.api(user.token).post('/api/uploads', body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(tricky.status, JSON.stringify(tricky.body)).toBe(201);
    expect(tricky.body.attachment.name).toBe('pa_ss_wd.txt');
    expect(tricky.body.attachment.mime).toBe('text/plain');
    const long = await uploadFile(server.url, user.token, { name: `${'ü'.repeat(300)}.csv`, data: Buffer.from('a,b\n1,2\n') });
    expect(long.status).toBe(201);
    expect([...long.body.attachment.name]).toHaveLength(200);
    expect(long.body.attachment.name.endsWith('.csv')).toBe(true);
    expect(long.body.attachment.mime).toBe('text/csv');
    const response = await download(server, user.token, long.body.attachment.url);
    expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('ü'.repeat(196))}.csv`);
  });

  it('never serves SVG or HTML inline, even when an admin allows them', async () => {
    const user = await server.createUser();
    const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');
    // "image/*" alone does not admit SVG.
    expect((await uploadFile(server.url, user.token, { name: 'logo.svg', data: svg })).status).toBe(415);
    expect((await uploadFile(server.url, user.token, { name: 'page.txt', data: html })).status).toBe(415);
    await setSettings(server, { allowedUploadTypes: [...DEFAULT_SETTINGS.allowedUploadTypes, 'image/svg+xml', 'text/html'] });
    try {
      for (const [name, data, mime] of [['logo.svg', svg, 'image/svg+xml'], ['page.txt', html, 'text/html']] as const) {
        const uploaded = await uploadFile(server.url, user.token, { name, data, type: 'image/png' });
        expect(uploaded.status).toBe(201);
        expect(uploaded.body.attachment).toMatchObject({ kind: 'file', mime, thumbnailUrl: null });
        const served = await download(server, user.token, uploaded.body.attachment.url);
        expect(served.status).toBe(200);
        expect(served.headers.get('content-disposition')).toMatch(/^attachment; /);
        expect(served.headers.get('content-type')).toBe('application/octet-stream');
        expect(served.headers.get('content-security-policy')).toContain('sandbox');
        expect(Buffer.from(await served.arrayBuffer())).toEqual(data);
      }
    } finally {
      await setSettings(server, { allowedUploadTypes: DEFAULT_SETTINGS.allowedUploadTypes });
    }
  });

  it('thumbnails an animated GIF with its first frame only', async () => {
    const user = await server.createUser();
    const gif = await makeAnimatedGif(5);
    expect((await sharp(gif, { pages: -1 }).metadata()).pages).toBe(5);
    const uploaded = await uploadFile(server.url, user.token, { name: 'loop.gif', data: gif });
    expect(uploaded.body.attachment).toMatchObject({ kind: 'image', mime: 'image/gif', width: 320, height: 240 });
    const thumbnail = Buffer.from(await (await download(server, user.token, uploaded.body.attachment.thumbnailUrl!)).arrayBuffer());
    const meta = await sharp(thumbnail, { pages: -1 }).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages ?? 1).toBe(1);
    expect([meta.width, meta.height]).toEqual([320, 240]);
  });

  it('serves an image inline with a WebP thumbnail; an unsent upload is the uploader\'s alone (404 to others)', async () => {
    const [owner, other] = [await server.createUser(), await server.createUser()];
    const png = await makePng(1200, 800);
    const uploaded = await uploadFile(server.url, owner.token, { name: 'photo.png', data: png });
    expect(uploaded.status).toBe(201);
    const { attachment } = uploaded.body;
    expect(attachment).toMatchObject({ kind: 'image', mime: 'image/png', width: 1200, height: 800, thumbnailUrl: `/api/attachments/${attachment.id}/thumbnail` });
    const served = await download(server, owner.token, attachment.url);
    expect(served.headers.get('content-disposition')).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
    expect(served.headers.get('content-type')).toBe('image/png');
    const thumbnail = await download(server, owner.token, attachment.thumbnailUrl!);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(thumbnail.headers.get('content-disposition')).toMatch(/^inline; filename="photo.webp"/);
    expect(Number(thumbnail.headers.get('content-length'))).toBeLessThan(png.length);

    for (const url of [attachment.url, attachment.thumbnailUrl!, '/api/attachments/not-a-uuid', `/api/attachments/${crypto.randomUUID()}`]) {
      const response = await download(server, other.token, url);
      expect(response.status, url).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});

describe.each(MEDIA_STORES)('uploads without ffmpeg on the %s store', (store) => {
  const server = useMediaServer(store, { env: { CHATFLOW_FFMPEG: '/nonexistent/ffmpeg', CHATFLOW_FFPROBE: '/nonexistent/ffprobe' } });

  it('still takes videos and voice notes, without poster or duration, and serves them unchanged', async () => {
    const user = await server.createUser();
    const mp4 = await makeMp4(1, 300_000);
    const video = await uploadFile(server.url, user.token, { name: 'clip.mp4', data: mp4 });
    expect(video.status).toBe(201);
    expect(video.body.attachment).toMatchObject({ kind: 'video', mime: 'video/mp4', size: mp4.length, thumbnailUrl: null });
    expect(video.body.attachment.durationMs).toBeUndefined();
    const served = await download(server, user.token, video.body.attachment.url);
    expect(served.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(sha256(await served.arrayBuffer())).toBe(sha256(mp4));

    const note = await uploadFile(server.url, user.token, { name: 'voice.webm', data: await makeVoiceNote(0.5), voice: true });
    expect(note.status).toBe(201);
    expect(note.body.attachment).toMatchObject({ kind: 'audio', mime: 'audio/webm', voice: true, thumbnailUrl: null });
    // Images need no ffmpeg.
    const png = await uploadFile(server.url, user.token, { name: 'p.png', data: await makePng(900, 300) });
    expect(png.body.attachment).toMatchObject({ kind: 'image', width: 900, height: 300, thumbnailUrl: expect.any(String) });
  });
});
