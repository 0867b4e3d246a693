import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../app/server/settings/settings-service.ts';
import { MEDIA_STORES, useMediaServer } from '../support/media-server.ts';
import { makeMp4, makePdf, makePng, makeRotatedJpeg, makeVoiceNote } from '../support/media-samples.ts';
import type { ServerFixture } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';
import { uploadFile, type UploadedAttachment } from '../support/uploads.ts';

const MIB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface MediaMessage {
  id: string;
  chatId: string;
  kind: string;
  body: string;
  attachments: UploadedAttachment[];
}

async function fetchBytes(server: ServerFixture, token: string, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, data: Buffer.from(await response.arrayBuffer()) };
}

async function upload(server: ServerFixture, user: TestUser, name: string, data: Buffer, voice = false): Promise<UploadedAttachment> {
  const result = await uploadFile(server.url, user.token, { name, data, voice });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body.attachment;
}

async function group(server: ServerFixture, owner: TestUser, members: TestUser[]): Promise<string> {
  const created = await server.api(owner.token).post('/api/chats/groups', { name: 'Media', memberIds: members.map((m) => m.user.id) });
  expect(created.status).toBe(201);
  return created.body.chat.id as string;
}

describe.each(MEDIA_STORES)('media messages on the %s store', (store) => {
  const server = useMediaServer(store);

  it('refuses someone else\'s attachment (404), one already sent (409), repeats (400) and more than ten (400)', async () => {
    const [alice, bob] = [await server.createUser({ name: 'Alice' }), await server.createUser({ name: 'Bob' })];
    const chatId = await group(server, alice, [bob]);
    const aliceSocket = await server.connect(alice);
    const bobSocket = await server.connect(bob);
    const alicesFile = await upload(server, alice, 'a.pdf', makePdf());

    const stolen = await bobSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: [alicesFile.id] });
    expect(stolen).toEqual({ ok: false, error: { code: 'not_found', message: 'Attachment not found.' } });
    const stolenRest = await server.api(bob.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), attachmentIds: [alicesFile.id] });
    expect(stolenRest.status).toBe(404);
    const unknown = await aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: [randomUUID()] });
    expect(unknown.error?.code).toBe('not_found');

    const twice = await aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: [alicesFile.id, alicesFile.id] });
    expect(twice).toEqual({ ok: false, error: { code: 'invalid_input', message: 'attachmentIds: each attachment only once' } });
    const eleven = await aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: Array.from({ length: 11 }, () => randomUUID()) });
    expect(eleven).toEqual({ ok: false, error: { code: 'invalid_input', message: 'attachmentIds: at most 10' } });

    const clientId = randomUUID();
    const sent = await aliceSocket.emitAck('message:send', { chatId, clientId, attachmentIds: [alicesFile.id] });
    expect(sent).toMatchObject({ ok: true, id: expect.any(String) });
    // A retry of the same message is not "already sent": it returns the same id.
    const retried = await aliceSocket.emitAck('message:send', { chatId, clientId, attachmentIds: [alicesFile.id] });
    expect(retried).toMatchObject({ ok: true, id: sent.id });
    const again = await aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'again', attachmentIds: [alicesFile.id] });
    expect(again).toEqual({ ok: false, error: { code: 'attachment_sent', message: 'That attachment was already sent in another message.' } });
    const history = await server.api(alice.token).get(`/api/chats/${chatId}/messages`);
    expect(history.body.messages.filter((m: MediaMessage) => m.kind === 'media')).toHaveLength(1);
  });

  it('lets only one of two racing sends take an attachment (the writer decides under its row lock)', async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const chatId = await group(server, alice, [bob]);
    const aliceSocket = await server.connect(alice);
    const file = await upload(server, alice, 'race.pdf', makePdf());
    const acks = await Promise.all(
      Array.from({ length: 4 }, () => aliceSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: [file.id] })),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
    for (const refused of acks.filter((ack) => !ack.ok)) expect(['not_found', 'attachment_sent']).toContain(refused.error?.code);
    const history = await server.api(bob.token).get(`/api/chats/${chatId}/messages`);
    const media = (history.body.messages as MediaMessage[]).filter((m) => m.kind === 'media');
    expect(media).toHaveLength(1);
    expect(media[0]!.attachments.map((a) => a.id)).toEqual([file.id]);
  });

  it('sends a video, a PNG, a rotated JPEG, a PDF and a voice note to a group: every member gets identical bytes', async () => {
    const [owner, ben, cleo] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Ben' }), await server.createUser({ name: 'Cleo' })];
    const outsider = await server.createUser({ name: 'Outsider' });
    const chatId = await group(server, owner, [ben, cleo]);
    const sockets = await Promise.all([owner, ben, cleo].map((user) => server.connect(user)));

    const files = {
      video: await makeMp4(2, 20 * MIB),
      png: await makePng(1200, 800),
      jpeg: await makeRotatedJpeg(1200, 800),
      pdf: makePdf(),
      voice: await makeVoiceNote(1.5),
    };
    const video = await upload(server, owner, 'clip.mp4', files.video);
    const png = await upload(server, owner, 'chart.png', files.png);
    const jpeg = await upload(server, owner, 'portrait.jpg', files.jpeg);
    const pdf = await upload(server, owner, 'minutes.pdf', files.pdf);
    const voice = await upload(server, owner, 'voice.webm', files.voice, true);

    expect(video).toMatchObject({ kind: 'video', mime: 'video/mp4', size: files.video.length, width: 320, height: 240, thumbnailUrl: expect.any(String) });
    expect(video.durationMs).toBeGreaterThanOrEqual(1900);
    expect(video.durationMs).toBeLessThanOrEqual(2200);
    expect(png).toMatchObject({ kind: 'image', mime: 'image/png', width: 1200, height: 800 });
    // Stored landscape with EXIF orientation 6: shown (and recorded) portrait.
    expect(jpeg).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 800, height: 1200 });
    expect(pdf).toMatchObject({ kind: 'file', mime: 'application/pdf', thumbnailUrl: null });
    expect(voice).toMatchObject({ kind: 'audio', mime: 'audio/webm', voice: true, thumbnailUrl: null });
    expect(voice.durationMs).toBeGreaterThanOrEqual(1400);
    expect(voice.durationMs).toBeLessThanOrEqual(1700);

    const ids = [video, png, jpeg, pdf, voice].map((a) => a.id);
    // Sent in another order than uploaded: every view lists them in upload order.
    const ack = await sockets[0]!.emitAck('message:send', { chatId, clientId: randomUUID(), body: '', attachmentIds: [...ids].reverse() });
    expect(ack).toMatchObject({ ok: true });
    for (const socket of sockets) {
      await socket.waitFor(() => socket.received<MediaMessage>('message:new').some((m) => m.id === ack.id), 'the media message');
      const message = socket.received<MediaMessage>('message:new').find((m) => m.id === ack.id)!;
      expect(message.kind).toBe('media');
      expect(message.attachments.map((a) => a.id)).toEqual(ids);
      expect(message.attachments[2]).toEqual(jpeg);
    }
    await sockets[1]!.waitFor(() => sockets[1]!.received('notification').some((n) => n.messageId === ack.id), 'notification');
    expect(sockets[1]!.received('notification').find((n) => n.messageId === ack.id)).toMatchObject({ title: 'Media', body: 'Owner: Video (+4)' });

    const expected = new Map([[video.id, files.video], [png.id, files.png], [jpeg.id, files.jpeg], [pdf.id, files.pdf], [voice.id, files.voice]]);
    for (const member of [owner, ben, cleo]) {
      for (const attachment of [video, png, jpeg, pdf, voice]) {
        const got = await fetchBytes(server, member.token, attachment.url);
        expect(got.status).toBe(200);
        expect(sha256(got.data), `${member.user.name} ${attachment.name}`).toBe(sha256(expected.get(attachment.id)!));
      }
    }
    // A Range in the middle of the 20 MB video: exactly those bytes.
    const start = 10 * MIB + 123;
    const part = await fetchBytes(server, cleo.token, video.url, { range: `bytes=${start}-${start + 65_535}` });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes ${start}-${start + 65_535}/${files.video.length}`);
    expect(part.data.equals(files.video.subarray(start, start + 65_536))).toBe(true);

    // Thumbnails: smaller than the originals, oriented as shown.
    for (const [attachment, original, shape] of [[png, files.png, 'landscape'], [jpeg, files.jpeg, 'portrait']] as const) {
      const thumbnail = await fetchBytes(server, ben.token, attachment.thumbnailUrl!);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.data.length).toBeLessThan(original.length);
      const meta = await sharp(thumbnail.data).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(Math.max(meta.width!, meta.height!)).toBe(480);
      expect(meta.width! > meta.height!).toBe(shape === 'landscape');
    }
    const poster = await fetchBytes(server, ben.token, video.thumbnailUrl!);
    expect(poster.status).toBe(200);
    expect((await sharp(poster.data).metadata()).width).toBe(320);

    // Someone outside the group: 404 for the files and their thumbnails, exactly like a missing id.
    for (const url of [video.url, video.thumbnailUrl!, png.url, png.thumbnailUrl!, pdf.url]) {
      expect((await fetchBytes(server, outsider.token, url)).status, url).toBe(404);
    }

    // History and catch-up carry the same attachment metadata.
    const history = await server.api(ben.token).get(`/api/chats/${chatId}/messages`);
    const fromHistory = (history.body.messages as MediaMessage[]).find((m) => m.id === ack.id)!;
    expect(fromHistory.attachments).toEqual([video, png, jpeg, pdf, voice]);
    const sync = await sockets[2]!.emitAck('chat:sync', { chats: { [chatId]: 0 } });
    const fromSync = (sync.messages as MediaMessage[]).find((m) => m.id === ack.id)!;
    expect(fromSync.attachments).toEqual([video, png, jpeg, pdf, voice]);
    const chats = await server.api(cleo.token).get('/api/chats');
    const summary = chats.body.chats.find((c: { id: string }) => c.id === chatId);
    expect(summary.lastMessage.attachments.map((a: UploadedAttachment) => a.id)).toEqual(ids);
  });

  it('says "Photo", "Voice message" or the file name in notifications of messages without text', async () => {
    const [sender, reader] = [await server.createUser({ name: 'Sam' }), await server.createUser({ name: 'Rita' })];
    const direct = await server.api(sender.token).post('/api/chats/direct', { userId: reader.user.id });
    const chatId = direct.body.chat.id as string;
    const senderSocket = await server.connect(sender);
    const readerSocket = await server.connect(reader);
    const cases: [UploadedAttachment, string][] = [
      [await upload(server, sender, 'p.png', await makePng(64, 64)), 'Photo'],
      [await upload(server, sender, 'note.webm', await makeVoiceNote(0.5), true), 'Voice message'],
      [await upload(server, sender, 'Budget 2027.pdf', makePdf()), 'Budget 2027.pdf'],
    ];
    for (const [attachment, text] of cases) {
      const ack = await senderSocket.emitAck('message:send', { chatId, clientId: randomUUID(), attachmentIds: [attachment.id] });
      expect(ack.ok).toBe(true);
      await readerSocket.waitFor(() => readerSocket.received('notification').some((n) => n.messageId === ack.id), text);
      expect(readerSocket.received('notification').find((n) => n.messageId === ack.id)).toMatchObject({ title: 'Sam', body: text });
    }
  });

  it('keeps media readable by members only: a member who leaves loses access', async () => {
    const [owner, member] = [await server.createUser(), await server.createUser()];
    const chatId = await group(server, owner, [member]);
    const ownerSocket = await server.connect(owner);
    const file = await upload(server, owner, 'plan.png', await makePng(600, 600));
    const ack = await ownerSocket.emitAck('message:send', { chatId, clientId: randomUUID(), body: 'the plan', attachmentIds: [file.id] });
    expect(ack.ok).toBe(true);
    await expect.poll(async () => (await fetchBytes(server, member.token, file.url)).status).toBe(200);
    // Search presents messages as history does, attachments included.
    const found = await server.api(member.token).get(`/api/search?query=plan&chatId=${chatId}`);
    expect(found.status).toBe(200);
    expect(found.body.results.map((r: { message: MediaMessage }) => r.message.attachments)).toEqual([[file]]);
    expect((await server.api(member.token).delete(`/api/chats/${chatId}/members/${member.user.id}`)).status).toBeLessThan(300);
    expect((await fetchBytes(server, member.token, file.url)).status).toBe(404);
    expect((await fetchBytes(server, member.token, file.thumbnailUrl!)).status).toBe(404);
    expect((await fetchBytes(server, owner.token, file.url)).status).toBe(200);
  });

  it('reads the settings limit for every upload (an admin raising it takes effect at once)', async () => {
    const user = await server.createUser();
    await server.api(server.admin.token).patch('/api/admin/settings', { uploadMaxBytes: 1000 });
    try {
      expect((await uploadFile(server.url, user.token, { name: 'a.png', data: await makePng(200, 200) })).status).toBe(413);
    } finally {
      await server.api(server.admin.token).patch('/api/admin/settings', { uploadMaxBytes: DEFAULT_SETTINGS.uploadMaxBytes });
    }
    expect((await uploadFile(server.url, user.token, { name: 'a.png', data: await makePng(200, 200) })).status).toBe(201);
  });
});
