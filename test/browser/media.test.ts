// Acceptance (d) of media: files picked with the chooser, dropped on the chat and pasted, with
// their progress, shown to the sender and to the other person; the lightbox; refused and failed
// uploads; a voice note recorded from Chromium's fake microphone and played on the other side;
// screenshots of a chat with media at desktop and phone width, light and dark.
import { randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DESKTOP, FAKE_MEDIA_ARGS, PHONE, screenshot, type Session } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { apiCall, chatItem, connectBot, createDirect, poll, sendViaSocket, uploadViaApi } from './helpers.ts';
import { opusVoice, pdfDocument, pngPicture, webmVideo } from './media-files.ts';

/** The data-testid of the focused element. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

/** How many of these <img> elements have loaded a picture. */
const loadedImages = (images: Locator) =>
  images.evaluateAll((list) => list.filter((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0).length);

/** An attribute of the first element matching `selector`, read without waiting for it to exist. */
const attributeOf = (page: Page, selector: string, name: string) =>
  page.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name] as const);

const chip = (page: Page, name: string) => page.locator(`[data-testid="attachment-chip"][data-name="${name}"]`);

/** What the server answers a direct upload of this file: its status and error message. */
async function refusal(baseUrl: string, token: string, name: string, type: string, content: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(content)], { type }), name);
  const res = await fetch(`${baseUrl}/api/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, code: body.error?.code, message: body.error?.message ?? '' };
}

/** Slows this page's uploads down (Chromium's network emulation), so progress can be watched. */
async function throttleUploads(s: Session, bytesPerSecond: number) {
  const cdp = await s.context.newCDPSession(s.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return () => cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

describe('media in the web UI', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz' }, { launchArgs: FAKE_MEDIA_ARGS });
  const { server, open } = world;

  beforeAll(async () => {
    const { alice, bob, carol } = world.users;
    await createDirect(server.url, alice.token, bob.user.id);
    const bobAndCarol = await createDirect(server.url, carol.token, bob.user.id);
    const bot = await connectBot(server.url, carol.token);
    await sendViaSocket(bot, bobAndCarol, 'Are the photos from the trip ready?');
    bot.disconnect();
  });

  /** Opens a chat and waits for its whole history (these chats are shorter than a page). */
  async function openChat(s: Session, name: string) {
    await chatItem(s.page, name).click();
    await poll(() => s.page.getByTestId('chat-title').textContent()).toBe(name);
    await s.page.getByTestId('history-start').waitFor();
  }

  it('sends pictures and a PDF picked with the file chooser, with progress, and shows them to both people', async () => {
    const { alice, bob } = world.users;
    const [a, b] = await Promise.all([open(alice), open(bob)]);
    await openChat(a, 'Bob Stone');
    await openChat(b, 'Alice Martin');
    const beach = await pngPicture(a.page, 960, 640, 200);
    const cliffs = await pngPicture(a.page, 640, 800, 20);
    const pdf = pdfDocument('Itinerary', 1_500_000);

    const unthrottle = await throttleUploads(a, 300 * 1024);
    const [chooser] = await Promise.all([a.page.waitForEvent('filechooser'), a.page.getByTestId('attach-button').click()]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles([
      { name: 'beach.png', mimeType: 'image/png', buffer: beach },
      { name: 'cliffs.png', mimeType: 'image/png', buffer: cliffs },
      { name: 'itinerary.pdf', mimeType: 'application/pdf', buffer: pdf },
    ]);
    await poll(() => a.page.getByTestId('chip-name').allTextContents()).toEqual(['beach.png', 'cliffs.png', 'itinerary.pdf']);
    await poll(() => chip(a.page, 'itinerary.pdf').textContent()).toContain('1.4 MB');
    // The bar moves while the PDF is on its way.
    const pdfProgress = '[data-testid="attachment-chip"][data-name="itinerary.pdf"] [data-testid="upload-progress"]';
    await poll(async () => Number(await attributeOf(a.page, pdfProgress, 'data-progress')), 20_000)
      .toSatisfy((pct: number) => pct > 0 && pct < 70);

    // Sent while uploading: it waits for the uploads, then goes out once, with its caption.
    await a.page.getByTestId('composer').fill('Itinerary and two views from the trip');
    await a.page.getByTestId('composer').press('Enter');
    await poll(() => a.page.getByTestId('queued-send').count()).toBe(1);
    expect(await chip(a.page, 'itinerary.pdf').getAttribute('data-status')).toBe('uploading');
    expect(await a.page.getByTestId('message').count()).toBe(0);
    await screenshot(a.page, 'desktop-media-uploading');
    await poll(() => a.page.getByTestId('message').count(), 30_000).toBe(1);
    await poll(() => a.page.getByTestId('attachment-chip').count()).toBe(0);
    await unthrottle();

    for (const s of [a, b]) {
      const m = s.page.getByTestId('message').last();
      await poll(() => m.getByTestId('attachment-image').count()).toBe(2);
      await poll(() => loadedImages(m.locator('[data-testid="attachment-image"] img'))).toBe(2);
      await poll(() => m.locator('[data-testid="attachment-image"] img').first().getAttribute('src')).toMatch(/^\/api\/attachments\/[^/]+\/thumbnail$/);
      await poll(() => m.getByTestId('attachment-name').textContent()).toBe('itinerary.pdf');
      await poll(() => m.getByTestId('attachment-size').textContent()).toBe('1.4 MB');
      await poll(() => m.getByTestId('message-body').textContent()).toBe('Itinerary and two views from the trip');
    }
    // The card downloads the very file, with Bob's session cookie.
    const href = await b.page.getByTestId('attachment-file').getAttribute('href');
    expect(href).toMatch(/^\/api\/attachments\/[^/]+$/);
    expect(await b.page.getByTestId('attachment-file').getAttribute('download')).toBe('itinerary.pdf');
    const fetched = await b.page.evaluate(async (url) => {
      const res = await fetch(url);
      return [res.status, (await res.arrayBuffer()).byteLength];
    }, href as string);
    expect(fetched).toEqual([200, pdf.length]);
    await poll(() => chatItem(b.page, 'Alice Martin').getByTestId('chat-preview').textContent()).toBe('Itinerary and two views from the trip');

    // The lightbox: full image, arrows step through the chat's images, focus stays inside, Escape closes.
    const fullWidth: Record<string, number> = { 'beach.png': 960, 'cliffs.png': 640 };
    const shown = () => b.page.getByTestId('lightbox-image').evaluate((img) => {
      const el = img as HTMLImageElement;
      return { name: el.alt, width: el.naturalWidth };
    });
    const names = await b.page.getByTestId('attachment-image').locator('img').evaluateAll((list) => list.map((img) => (img as HTMLImageElement).alt));
    expect(names.slice().sort()).toEqual(['beach.png', 'cliffs.png']);
    await b.page.getByTestId('attachment-image').first().click();
    await poll(() => b.page.getByTestId('lightbox').isVisible()).toBe(true);
    await poll(() => b.page.getByTestId('lightbox-count').textContent()).toBe('1 / 2');
    await poll(shown).toEqual({ name: names[0], width: fullWidth[names[0]!] });
    await poll(() => focused(b.page)).toBe('lightbox-close');
    await b.page.keyboard.press('ArrowRight');
    await poll(() => b.page.getByTestId('lightbox-count').textContent()).toBe('2 / 2');
    await poll(shown).toEqual({ name: names[1], width: fullWidth[names[1]!] });
    await b.page.keyboard.press('ArrowRight');
    await poll(() => b.page.getByTestId('lightbox-count').textContent()).toBe('2 / 2');
    await b.page.keyboard.press('ArrowLeft');
    await poll(() => b.page.getByTestId('lightbox-count').textContent()).toBe('1 / 2');
    for (let i = 0; i < 5; i++) await b.page.keyboard.press('Tab');
    expect(await b.page.evaluate(() => !!document.activeElement?.closest('[data-testid="lightbox"]'))).toBe(true);
    await screenshot(b.page, 'desktop-media-lightbox');
    await b.page.keyboard.press('Escape');
    await poll(() => b.page.getByTestId('lightbox').count()).toBe(0);
    await poll(() => focused(b.page)).toBe('attachment-image');
    // The close button closes it too.
    await b.page.getByTestId('attachment-image').last().click();
    await poll(() => b.page.getByTestId('lightbox-count').textContent()).toBe('2 / 2');
    await b.page.getByTestId('lightbox-close').click();
    await poll(() => b.page.getByTestId('lightbox').count()).toBe(0);

    for (const s of [a, b]) expect(s.errors).toEqual([]);
  }, 120_000);

  it('takes a file dropped on the chat and a picture pasted into the message box', async () => {
    const { alice, bob } = world.users;
    const [a, b] = await Promise.all([open(alice), open(bob)]);
    await openChat(a, 'Bob Stone');
    await openChat(b, 'Alice Martin');
    const before = await a.page.getByTestId('message').count();

    const dropped = await a.page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['Packing list\n- tent\n- stove\n- maps\n'], 'packing-list.txt', { type: 'text/plain' }));
      return data;
    });
    const zone = a.page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer: dropped });
    await poll(() => a.page.getByTestId('drop-overlay').count()).toBe(1);
    await zone.dispatchEvent('dragover', { dataTransfer: dropped });
    await zone.dispatchEvent('drop', { dataTransfer: dropped });
    await poll(() => a.page.getByTestId('drop-overlay').count()).toBe(0);
    await poll(() => chip(a.page, 'packing-list.txt').getAttribute('data-status')).toBe('done');
    await a.page.getByTestId('send-button').click();
    for (const s of [a, b]) {
      await poll(() => s.page.getByTestId('message').count()).toBe(before + 1);
      const m = s.page.getByTestId('message').last();
      await poll(() => m.getByTestId('attachment-name').textContent()).toBe('packing-list.txt');
      expect(await m.getByTestId('message-body').count()).toBe(0);
    }
    await poll(() => chatItem(b.page, 'Alice Martin').getByTestId('chat-preview').textContent()).toBe('packing-list.txt');
    await poll(() => chatItem(a.page, 'Bob Stone').getByTestId('chat-preview').textContent()).toBe('You: packing-list.txt');

    const picture = await pngPicture(a.page, 480, 360, 140);
    await a.page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      const box = document.querySelector('[data-testid="composer"]') as HTMLTextAreaElement;
      box.focus();
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, picture.toString('base64'));
    await poll(() => chip(a.page, 'pasted.png').getAttribute('data-status')).toBe('done');
    // With only files waiting, Enter in the empty message box sends them.
    await a.page.getByTestId('composer').press('Enter');
    for (const s of [a, b]) {
      await poll(() => s.page.getByTestId('message').count()).toBe(before + 2);
      await poll(() => loadedImages(s.page.getByTestId('message').last().locator('[data-testid="attachment-image"] img'))).toBe(1);
    }
    await poll(() => chatItem(b.page, 'Alice Martin').getByTestId('chat-preview').textContent()).toBe('Photo');
    for (const s of [a, b]) expect(s.errors).toEqual([]);
  });

  it('says why a file was refused, retries an interrupted upload and cancels one on its way', async () => {
    const { alice } = world.users;
    const a = await open(alice);
    await openChat(a, 'Bob Stone');
    const before = await a.page.getByTestId('message').count();
    const input = a.page.getByTestId('file-input');

    // The connection drops once: the chip says so and offers a retry, which goes through.
    let attempts = 0;
    await a.page.route('**/api/uploads', (route) => (attempts++ === 0 ? route.abort('connectionreset') : route.continue()));
    await input.setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: pdfDocument('Notes') });
    await poll(() => chip(a.page, 'notes.pdf').getAttribute('data-status')).toBe('failed');
    await poll(() => chip(a.page, 'notes.pdf').getByTestId('upload-error').textContent())
      .toBe('The upload was interrupted. Check your connection and try again.');
    await chip(a.page, 'notes.pdf').getByTestId('upload-retry').click();
    await poll(() => chip(a.page, 'notes.pdf').getAttribute('data-status')).toBe('done');
    expect(attempts).toBe(2);
    await a.page.unroute('**/api/uploads');

    // A program named like a picture: the server's 415 reason, and no retry (it cannot help).
    const program = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), randomBytes(4096)]);
    const refused = await refusal(server.url, alice.token, 'holiday.png', 'image/png', program);
    expect(refused).toMatchObject({ status: 415, code: 'unsupported_type' });
    await input.setInputFiles({ name: 'holiday.png', mimeType: 'image/png', buffer: program });
    await poll(() => chip(a.page, 'holiday.png').getAttribute('data-status')).toBe('failed');
    await poll(() => chip(a.page, 'holiday.png').getByTestId('upload-error').textContent()).toBe(refused.message);
    expect(await chip(a.page, 'holiday.png').getByTestId('upload-retry').count()).toBe(0);

    // Over the size limit: the server's 413, with the limit said in megabytes.
    const { settings } = await apiCall<{ settings: { uploadMaxBytes: number } }>(server.url, server.admin.token, 'GET', '/api/admin/settings');
    await apiCall(server.url, server.admin.token, 'PATCH', '/api/admin/settings', { uploadMaxBytes: 1024 * 1024 });
    try {
      const big = pdfDocument('Scans', 1_600_000);
      expect(await refusal(server.url, alice.token, 'scans.pdf', 'application/pdf', big)).toMatchObject({ status: 413, code: 'too_large' });
      await input.setInputFiles({ name: 'scans.pdf', mimeType: 'application/pdf', buffer: big });
      await poll(() => chip(a.page, 'scans.pdf').getAttribute('data-status')).toBe('failed');
      await poll(() => chip(a.page, 'scans.pdf').getByTestId('upload-error').textContent()).toMatch(/limit of 1 MB/);
      expect(await chip(a.page, 'scans.pdf').getByTestId('upload-retry').count()).toBe(0);
    } finally {
      await apiCall(server.url, server.admin.token, 'PATCH', '/api/admin/settings', { uploadMaxBytes: settings.uploadMaxBytes });
    }

    // Cancelled on its way: the chip goes and the file is not sent.
    const unthrottle = await throttleUploads(a, 100 * 1024);
    await input.setInputFiles({ name: 'slides.pdf', mimeType: 'application/pdf', buffer: pdfDocument('Slides', 1_000_000) });
    await poll(() => chip(a.page, 'slides.pdf').getAttribute('data-status')).toBe('uploading');
    await chip(a.page, 'slides.pdf').getByTestId('upload-cancel').click();
    await poll(() => chip(a.page, 'slides.pdf').count()).toBe(0);
    await unthrottle();

    // The refused ones are removed; the retried one goes out alone.
    for (const name of ['holiday.png', 'scans.pdf']) await chip(a.page, name).getByTestId('upload-cancel').click();
    await a.page.getByTestId('send-button').click();
    await poll(() => a.page.getByTestId('message').count()).toBe(before + 1);
    await poll(() => a.page.getByTestId('message').last().getByTestId('attachment-name').allTextContents()).toEqual(['notes.pdf']);
    expect(a.errors).toEqual([]);
  }, 90_000);

  it('records a voice note from the microphone and plays it on the other side', async () => {
    const { alice, bob } = world.users;
    const a = await open(alice, { setup: (context) => context.grantPermissions(['microphone']) });
    const b = await open(bob);
    await openChat(a, 'Bob Stone');
    // Bob looks at another chat, so the voice note arrives as a toast.
    await openChat(b, 'Carol Diaz');
    const before = await a.page.getByTestId('message').count();

    // Started and thrown away: nothing is sent.
    await a.page.getByTestId('voice-record').click();
    await poll(() => a.page.getByTestId('voice-bar').getAttribute('data-phase')).toBe('recording');
    await a.page.getByTestId('voice-cancel').click();
    await poll(() => a.page.getByTestId('voice-bar').count()).toBe(0);

    await a.page.getByTestId('voice-record').click();
    await poll(() => a.page.getByTestId('voice-bar').getAttribute('data-phase')).toBe('recording');
    await poll(() => a.page.getByTestId('voice-timer').textContent(), 15_000).toBe('0:02');
    await screenshot(a.page, 'desktop-voice-recording');
    await a.page.getByTestId('voice-stop').click();
    await poll(() => a.page.getByTestId('voice-bar').count(), 20_000).toBe(0);
    await poll(() => a.page.getByTestId('message').count()).toBe(before + 1);
    await poll(() => a.page.getByTestId('message').last().getByTestId('voice-player').count()).toBe(1);

    await poll(() => b.page.getByTestId('toast').textContent()).toContain('Voice message');
    await poll(() => chatItem(b.page, 'Alice Martin').getByTestId('chat-preview').textContent()).toBe('Voice message');
    await openChat(b, 'Alice Martin');
    const voice = b.page.getByTestId('message').last().getByTestId('voice-player');
    const duration = voice.getByTestId('audio-duration');
    await poll(async () => Number(await duration.getAttribute('data-duration-ms')))
      .toSatisfy((ms: number) => ms >= 1500 && ms < 6000);
    await poll(() => duration.textContent()).toMatch(/^0:0[2-5]$/);
    await voice.getByTestId('audio-toggle').click();
    await poll(() => voice.getAttribute('data-playing')).toBe('true');
    await poll(() => voice.locator('audio').evaluate((el) => (el as HTMLAudioElement).currentTime)).toBeGreaterThan(0.3);
    await poll(() => voice.getAttribute('data-playing'), 15_000).toBe('false');
    for (const s of [a, b]) expect(s.errors).toEqual([]);
  }, 90_000);

  it('lays out a chat with media at desktop and phone width, light and dark', async () => {
    const { alice, carol } = world.users;
    const chatId = await createDirect(server.url, carol.token, alice.user.id);
    const painter = await world.browser.newPage();
    const [lake, dunes, forest] = await Promise.all([
      pngPicture(painter, 1200, 800, 195), pngPicture(painter, 800, 800, 30), pngPicture(painter, 800, 1000, 100),
    ]);
    await painter.close();
    const [clip, voiceNote] = await Promise.all([webmVideo(3), opusVoice(4)]);
    const upload = (token: string, name: string, type: string, content: Buffer) => uploadViaApi(server.url, token, name, type, new Uint8Array(content));
    const carolBot = await connectBot(server.url, carol.token);
    const aliceBot = await connectBot(server.url, alice.token);
    await sendViaSocket(carolBot, chatId, 'Here are the photos from Saturday 🌄');
    await sendViaSocket(carolBot, chatId, 'The lake at sunrise', [(await upload(carol.token, 'lake.png', 'image/png', lake)).id]);
    await sendViaSocket(aliceBot, chatId, '', [
      (await upload(alice.token, 'dunes.png', 'image/png', dunes)).id, (await upload(alice.token, 'forest.png', 'image/png', forest)).id,
    ]);
    await sendViaSocket(carolBot, chatId, '', [(await upload(carol.token, 'drone-flight.webm', 'video/webm', clip)).id]);
    await sendViaSocket(aliceBot, chatId, 'Budget for the next one', [
      (await upload(alice.token, 'trip-budget.pdf', 'application/pdf', pdfDocument('Trip budget', 180_000))).id,
    ]);
    const form = new FormData();
    form.append('voice', 'true');
    form.append('file', new Blob([new Uint8Array(voiceNote)], { type: 'audio/webm' }), 'voice-message.webm');
    const voiceRes = await fetch(`${server.url}/api/uploads`, { method: 'POST', headers: { Authorization: `Bearer ${carol.token}` }, body: form });
    expect(voiceRes.status).toBe(201);
    await sendViaSocket(carolBot, chatId, '', [((await voiceRes.json()) as { attachment: { id: string } }).attachment.id]);
    carolBot.disconnect();
    aliceBot.disconnect();

    // The picture's box comes from its recorded size, before (here: without) the picture itself.
    const blocked = await open(alice, { setup: (context) => context.route('**/api/attachments/**', (route) => route.abort()) });
    await openChat(blocked, 'Carol Diaz');
    const lakeBox = await blocked.page.locator('[data-testid="attachment-image"]').first().boundingBox();
    expect(lakeBox && lakeBox.height).toBeGreaterThan(100);
    expect(lakeBox && lakeBox.width / lakeBox.height).toBeCloseTo(1.5, 1);

    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const s = await open(alice, { viewport });
      await openChat(s, 'Carol Diaz');
      for (const colorScheme of ['light', 'dark'] as const) {
        await s.page.emulateMedia({ colorScheme });
        await poll(() => s.page.getByTestId('message').count()).toBe(6);
        await poll(() => loadedImages(s.page.locator('[data-testid="attachment-image"] img'))).toBe(3);
        await poll(() => s.page.getByTestId('attachment-video').evaluate((v) => (v as HTMLVideoElement).readyState)).toBeGreaterThanOrEqual(1);
        expect(await s.page.getByTestId('attachment-video').getAttribute('poster')).toMatch(/^\/api\/attachments\/[^/]+\/thumbnail$/);
        await poll(() => s.page.getByTestId('voice-player').getByTestId('audio-duration').textContent()).toBe('0:04');
        await s.page.getByTestId('message-list').evaluate((el) => { el.scrollTop = el.scrollHeight; });
        await screenshot(s.page, `${label}-media-${colorScheme}`);
      }
      expect(s.errors).toEqual([]);
    }
  }, 180_000);
});
