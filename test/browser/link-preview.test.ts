// Link previews in the browser: a message's link gets a card (title, site, description and the
// image through the server) once it scrolls into view; a link the guard refuses gets none, and the
// browser itself never contacts the linked site.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { startDnsServer } from '../support/dns-server.ts';
import { ARTICLE_TITLE, startPreviewPages } from '../support/preview-pages.ts';
import { apiCall, chatItem, connectBot, createDirect, messageBodies, poll, sendViaSocket } from './helpers.ts';

const NEWS = 'news.example-preview.com';
// The server resolves NEWS through this DNS server, so both must run before the server starts.
const dns = await startDnsServer({ [NEWS]: '127.0.0.1' });
const pages = await startPreviewPages();
const news = (path: string) => `http://${NEWS}:${pages.port}${path}`;

describe('link previews in the browser', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone' }, { env: { CHATFLOW_DNS_SERVERS: dns.address } });
  const { server, open } = world;
  let chatId = '';

  beforeAll(async () => {
    const { alice, bob } = world.users;
    await apiCall(server.url, server.admin.token, 'PATCH', '/api/admin/settings', { linkPreviewAllowHosts: [NEWS], linkPreviewPorts: [pages.port] });
    chatId = await createDirect(server.url, alice.token, bob.user.id);
    const bot = await connectBot(server.url, alice.token);
    await sendViaSocket(bot, chatId, `Not for outsiders: http://127.0.0.1:${pages.port}/secret`);
    await sendViaSocket(bot, chatId, `Read this ${news('/article')} before lunch`);
    bot.disconnect();
  });

  afterAll(async () => {
    await pages.close();
    await dns.close();
  });

  it('shows the card of an allowed link with the proxied image, and none for a refused one', async () => {
    const { alice, bob } = world.users;
    const b = await open(bob);
    const seenByBrowser: string[] = [];
    b.page.on('request', (request) => seenByBrowser.push(request.url()));
    await chatItem(b.page, 'Alice Martin').click();
    await poll(() => messageBodies(b.page).then((bodies) => bodies.length)).toBe(2);

    const card = b.page.getByTestId('link-preview');
    await expect.poll(() => card.getByTestId('link-preview-title').textContent(), { timeout: 15_000 }).toBe(ARTICLE_TITLE);
    expect(await card.getByTestId('link-preview-site').textContent()).toBe('Quay News');
    expect(await card.getAttribute('href')).toBe(news('/article'));
    const image = card.getByTestId('link-preview-image');
    expect(await image.getAttribute('src')).toMatch(/^\/api\/messages\/[0-9a-f-]{36}\/preview\/image$/);
    await poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    // The refused link stays a plain link: one card only, and the page behind it was never fetched.
    expect(await card.count()).toBe(1);
    expect(pages.hits('/secret')).toBe(0);

    // A message arriving live gets its card too (here without an image: the page has none).
    const bot = await connectBot(server.url, alice.token);
    await sendViaSocket(bot, chatId, `Also ${news('/plain')}`);
    bot.disconnect();
    await poll(() => card.count()).toBe(2);
    await poll(() => card.nth(1).getByTestId('link-preview-title').textContent()).toBe('Plain & simple');
    expect(await card.nth(1).getByTestId('link-preview-image').count()).toBe(0);

    await screenshot(b.page, 'link-preview');
    // Everything the browser loaded came from Chat-Flow itself.
    expect(seenByBrowser.filter((url) => !url.startsWith(server.url))).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('lets an admin turn previews off and list hosts in the console', async () => {
    const admin = await open(server.admin);
    await admin.page.goto('/admin/settings');
    const card = admin.page.getByTestId('settings-link-previews');
    expect(await card.getByTestId('link-preview-allow').inputValue()).toBe(NEWS);
    await card.getByTestId('link-previews-enabled').uncheck();
    await card.getByTestId('link-preview-deny').fill('*.tracker.example\nads.example');
    await card.getByTestId('link-previews-save').click();
    const read = () => apiCall<{ settings: Record<string, unknown> }>(server.url, server.admin.token, 'GET', '/api/admin/settings').then((r) => r.settings);
    await poll(read).toMatchObject({ linkPreviews: false, linkPreviewDenyHosts: ['*.tracker.example', 'ads.example'], linkPreviewPorts: [pages.port] });

    // Off: the same message has no card for someone opening the chat now.
    const b = await open(world.users.bob);
    // Each of the three links is asked for once in view; the answers come before the cards are counted.
    const answers: string[] = [];
    b.page.on('response', (response) => { if (/\/preview$/.test(response.url())) void response.text().then((text) => answers.push(text)); });
    await chatItem(b.page, 'Alice Martin').click();
    await poll(() => messageBodies(b.page).then((bodies) => bodies.length)).toBe(3);
    await poll(() => answers.length).toBe(3);
    expect(answers.map((text) => JSON.parse(text))).toEqual(answers.map(() => ({ preview: null })));
    const [article] = await apiCall<{ messages: { id: string; body: string }[] }>(server.url, world.users.bob.token, 'GET', `/api/chats/${chatId}/messages`)
      .then((r) => r.messages.filter((m) => m.body.includes('/article')));
    expect(await apiCall(server.url, world.users.bob.token, 'GET', `/api/messages/${article!.id}/preview`)).toEqual({ preview: null });
    expect(await b.page.getByTestId('link-preview').count()).toBe(0);
    expect(admin.errors).toEqual([]);
  });
});
