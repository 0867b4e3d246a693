// Acceptance (e): scrolling up through 500 messages loads older pages and keeps the reading
// position: the message at the top stays where it was when a page is put above it.
import { describe, it, expect, beforeAll } from 'vitest';
import { screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { apiCall, chatItem, connectBot, createDirect, poll, sendViaSocket } from './helpers.ts';

const TOTAL = 500;

describe('infinite scroll through history', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone' });
  const { server, open } = world;

  beforeAll(async () => {
    const { alice, bob } = world.users;
    const chatId = await createDirect(server.url, bob.token, alice.user.id);
    const bots = [await connectBot(server.url, bob.token), await connectBot(server.url, alice.token)];
    for (let i = 1; i <= TOTAL; i++) {
      // Both sides talk, in runs, with some long messages so pages have uneven heights.
      const bot = bots[Math.floor(i / 3) % 2];
      await sendViaSocket(bot, chatId, i % 7 === 0 ? `history ${i} ` + 'lorem ipsum dolor sit amet '.repeat(8) : `history ${i}`);
    }
    for (const bot of bots) bot.disconnect();
    // Alice has read it all, so the chat opens at the bottom rather than at a "new messages" marker.
    await apiCall(server.url, alice.token, 'POST', `/api/chats/${chatId}/read`, { seq: TOTAL });
  }, 120_000);

  it('loads older pages without jumping, down to the first message', async () => {
    const session = await open(world.users.alice);
    const { page } = session;
    await chatItem(page, 'Bob Stone').click();
    const list = page.getByTestId('message-list');
    const seqs = () => page.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));

    // The newest page, scrolled to the bottom.
    await poll(async () => (await seqs()).at(-1)).toBe(TOTAL);
    expect((await seqs()).length).toBeLessThan(TOTAL);
    await poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5);

    let pages = 0;
    for (;;) {
      const before = await seqs();
      if (before[0] === 1) break;
      // Scroll to the very top and remember where the current first message sits.
      const anchorSeq = before[0];
      const anchor = page.locator(`[data-testid="message"][data-seq="${anchorSeq}"]`);
      const offset = () => anchor.evaluate((el) => {
        const scroller = el.closest('[data-testid="message-list"]') as HTMLElement;
        return el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      });
      await list.evaluate((el) => { el.scrollTop = 0; });
      const top = await offset();
      await poll(async () => (await seqs())[0]).toBeLessThan(anchorSeq);
      // The anchor has not moved on screen: the new page went above it, out of view.
      expect(Math.abs((await offset()) - top)).toBeLessThanOrEqual(2);
      expect(await list.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
      pages++;
      expect(pages).toBeLessThan(30);
    }

    const all = await seqs();
    expect(all).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    await page.getByTestId('history-start').waitFor();
    expect(pages).toBeGreaterThanOrEqual(5);

    // The jump-to-latest button brings the newest message back into view.
    await page.getByTestId('jump-latest').click();
    await poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(5);
    await poll(() => page.getByTestId('jump-latest').count()).toBe(0);
    await screenshot(page, 'desktop-history');
    expect(session.errors).toEqual([]);
  });
});
