// Acceptance (c): a context goes offline while the others send 30 messages; back online it shows
// all 30 in order, none twice, and the message it typed while offline is delivered.
import { describe, it, expect } from 'vitest';
import { screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, connectBot, createDirect, createGroup, messageBodies, poll, sendFromUi, sendViaSocket, statusOf } from './helpers.ts';

describe('offline and catch-up', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz' });
  const { server, open } = world;

  it('fills every gap after reconnecting and sends what was typed offline', async () => {
    const { alice, bob, carol } = world.users;
    await createGroup(server.url, alice.token, 'Night shift', [bob.user.id, carol.user.id]);
    const directId = await createDirect(server.url, carol.token, bob.user.id);
    const [a, b, c] = await Promise.all([alice, bob, carol].map((u) => open(u)));
    for (const s of [a, b, c]) await chatItem(s.page, 'Night shift').click();
    await sendFromUi(a.page, 'before the outage');
    await poll(() => messageBodies(b.page)).toEqual(['before the outage']);

    await b.context.setOffline(true);
    await poll(() => b.page.getByTestId('connection-banner').getAttribute('data-status')).toBe('offline');

    // Bob writes while offline: the message waits, visibly, instead of being lost.
    await sendFromUi(b.page, 'typed while offline');
    await poll(() => statusOf(b.page, 'typed while offline')).toBe('sending');

    const sent: string[] = [];
    for (let i = 1; i <= 30; i++) {
      const body = `message ${String(i).padStart(2, '0')}`;
      sent.push(body);
      const sender = i % 2 ? a.page : c.page;
      await sendFromUi(sender, body);
      // Accepted by the server before the other person writes, so the expected order is the log's.
      await poll(() => statusOf(sender, body)).toMatch(/^(sent|delivered|read)$/);
    }
    // And a direct message Bob's closed chat must pick up too.
    const bot = await connectBot(server.url, carol.token);
    await sendViaSocket(bot, directId, 'ping in direct');
    bot.disconnect();
    await poll(() => a.page.getByTestId('message').count()).toBe(31);
    // Nothing reached the offline context meanwhile.
    expect(await messageBodies(b.page)).toEqual(['before the outage', 'typed while offline']);
    await screenshot(b.page, 'desktop-offline');

    await b.context.setOffline(false);
    await poll(() => b.page.getByTestId('connection-banner').count(), 20_000).toBe(0);

    // Everything, once, in order; Bob's own message lands after the 30 (it was sent last).
    await poll(() => messageBodies(b.page), 20_000).toEqual(['before the outage', ...sent, 'typed while offline']);
    // Once Bob's own message is confirmed (read by the others) it carries its seq too.
    await poll(() => statusOf(b.page, 'typed while offline')).toBe('read');
    const seqs = await b.page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(seqs).toEqual(seqs.slice().sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const s of [a, c]) {
      await poll(() => messageBodies(s.page)).toEqual(['before the outage', ...sent, 'typed while offline']);
    }
    await poll(() => chatItem(b.page, 'Carol Diaz').getByTestId('unread-badge').textContent()).toBe('1');

    // Reload: the history comes back from the server with no duplicate of the offline message.
    await b.page.reload();
    await b.page.getByTestId('app-shell').waitFor();
    await chatItem(b.page, 'Night shift').click();
    await poll(() => b.page.getByText('typed while offline', { exact: true }).count()).toBe(1);
    for (const s of [a, b, c]) expect(s.errors).toEqual([]);
  });
});

describe('a seq jump on message:new', () => {
  // No named people: the test creates its own pair.
  const { server, open } = useBrowserWorld();

  it('fetches the missing messages over REST (afterSeq) and shows each once, in order', async () => {
    const alice = await server.createUser({ name: 'Alice Martin' });
    const bob = await server.createUser({ name: 'Bob Stone' });
    const chatId = await createDirect(server.url, alice.token, bob.user.id);

    // Bob's socket passes through a proxy that can lose message:new frames while connected.
    let dropping = false;
    const dropped: string[] = [];
    const b = await open(bob, {
      setup: (context) => context.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        upstream.onMessage((frame) => {
          if (dropping && typeof frame === 'string' && frame.startsWith('42["message:new"')) {
            dropped.push(frame);
            return;
          }
          ws.send(frame);
        });
      }),
    });
    await chatItem(b.page, 'Alice Martin').click();

    const bot = await connectBot(server.url, alice.token);
    await sendViaSocket(bot, chatId, 'first');
    await poll(() => messageBodies(b.page)).toEqual(['first']);

    dropping = true;
    for (const body of ['lost 1', 'lost 2', 'lost 3']) await sendViaSocket(bot, chatId, body);
    await poll(() => dropped.length).toBe(3);
    dropping = false;
    expect(await messageBodies(b.page)).toEqual(['first']);

    const gapFetch = b.page.waitForRequest((req) => /\/api\/chats\/[^/]+\/messages\?.*afterSeq=1\b/.test(req.url()));
    await sendViaSocket(bot, chatId, 'after the gap');
    await gapFetch;
    await poll(() => messageBodies(b.page)).toEqual(['first', 'lost 1', 'lost 2', 'lost 3', 'after the gap']);
    await sendViaSocket(bot, chatId, 'and on');
    await poll(() => messageBodies(b.page)).toEqual(['first', 'lost 1', 'lost 2', 'lost 3', 'after the gap', 'and on']);
    bot.disconnect();
    expect(b.errors).toEqual([]);
  });
});
