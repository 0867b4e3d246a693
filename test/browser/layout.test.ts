// Acceptance (f) and the responsive layout: screenshots of sign-in, a chat list with a chat open,
// a group and the phone layout, at desktop and 390 px widths, in light and dark themes.
import { describe, it, expect, beforeAll } from 'vitest';
import { DESKTOP, PHONE, screenshot, type Session } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, connectBot, createDirect, createGroup, poll, sendViaSocket } from './helpers.ts';

describe('layout and screenshots', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz', dan: 'Dan Wu' });
  const { server, open, openSignedOut } = world;

  beforeAll(async () => {
    const { alice, bob, carol, dan } = world.users;
    const direct = await createDirect(server.url, bob.token, alice.user.id);
    const group = await createGroup(server.url, carol.token, 'Design Team', [alice.user.id, bob.user.id, dan.user.id]);
    const other = await createDirect(server.url, dan.token, alice.user.id);
    const bobBot = await connectBot(server.url, bob.token);
    const carolBot = await connectBot(server.url, carol.token);
    const danBot = await connectBot(server.url, dan.token);
    const aliceBot = await connectBot(server.url, alice.token);
    await sendViaSocket(danBot, other, 'Lunch tomorrow?');
    await sendViaSocket(bobBot, direct, 'Morning! Did you see the new mockups?');
    await sendViaSocket(aliceBot, direct, 'Yes, they look great. A few notes on spacing.');
    await sendViaSocket(bobBot, direct, 'Send them over: https://example.com/mockups');
    await sendViaSocket(carolBot, group, 'Welcome to the design team channel 👋');
    await sendViaSocket(bobBot, group, 'Thanks Carol!');
    await sendViaSocket(bobBot, group, 'Sharing the review notes in a minute.');
    await sendViaSocket(aliceBot, group, 'Great, I will add mine too.');
    await sendViaSocket(danBot, group, 'Can we move the review to 3pm?');
    aliceBot.disconnect();
    // Carol and Dan stay connected so the "online now" strip has people in it.
    bobBot.disconnect();
  });

  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`renders the ${label} layout`, async () => {
      const signInPage = await openSignedOut({ viewport });
      await signInPage.page.getByTestId('sign-in-form').waitFor();
      await screenshot(signInPage.page, `${label}-sign-in`);

      const s = await open(world.users.alice, { viewport });
      const { page } = s;
      await poll(() => page.getByTestId('chat-list-item').count()).toBe(3);
      await poll(() => page.getByTestId('online-person').count()).toBeGreaterThanOrEqual(2);
      await poll(() => chatItem(page, 'Design Team').getByTestId('member-count').textContent()).toBe('4');
      await poll(() => chatItem(page, 'Design Team').getByTestId('chat-preview').textContent()).toBe('Dan: Can we move the review to 3pm?');

      // Filters.
      await page.getByTestId('filter-groups').click();
      await poll(() => page.getByTestId('chat-name').allTextContents()).toEqual(['Design Team']);
      await page.getByTestId('filter-direct').click();
      await poll(() => page.getByTestId('chat-list-item').count()).toBe(2);
      await page.getByTestId('filter-all').click();
      // Search.
      await page.getByTestId('search').fill('bob');
      await poll(() => page.getByTestId('chat-name').allTextContents()).toEqual(['Design Team', 'Bob Stone']);
      await page.getByTestId('search').fill('carol');
      await poll(() => page.getByTestId('person-result').allTextContents()).toEqual([expect.stringContaining('Carol Diaz')]);
      await page.getByTestId('search').fill('');

      if (label === 'phone') {
        // The list and the chat are separate screens.
        await poll(() => page.getByTestId('chat-window').isVisible()).toBe(false);
        await screenshot(page, 'phone-chat-list');
      }
      await chatItem(page, 'Bob Stone').click();
      await poll(() => page.getByTestId('message').count()).toBe(3);
      await poll(() => page.getByTestId('message-body').last().locator('a').getAttribute('href')).toBe('https://example.com/mockups');
      if (label === 'phone') {
        await poll(() => page.getByTestId('chat-list').isVisible()).toBe(false);
        await poll(() => page.getByTestId('back-button').isVisible()).toBe(true);
        await screenshot(page, 'phone-chat');
        await page.getByTestId('back-button').click();
        await poll(() => page.getByTestId('chat-list').isVisible()).toBe(true);
      } else {
        await poll(() => page.getByTestId('chat-list').isVisible()).toBe(true);
        await poll(() => page.getByTestId('back-button').isVisible()).toBe(false);
        await screenshot(page, 'desktop-chat-list-with-chat');
      }

      await chatItem(page, 'Design Team').click();
      await poll(() => page.getByTestId('message').count()).toBe(5);
      await poll(() => page.getByTestId('message-sender').allTextContents()).toEqual(['Carol Diaz', 'Bob Stone', 'Dan Wu']);
      await screenshot(page, `${label}-group`);
      await page.getByTestId('members-button').click();
      await poll(() => page.getByTestId('member-item').count()).toBe(4);
      await screenshot(page, `${label}-group-members`);

      expect(s.errors).toEqual([]);
    });
  }

  it('follows a dark system theme', async () => {
    const { alice } = world.users;
    const light = await open(alice, { viewport: DESKTOP, colorScheme: 'light' });
    const dark = await open(alice, { viewport: DESKTOP, colorScheme: 'dark' });
    const bg = (s: Session) => s.page.getByTestId('chat-list').evaluate((el) => getComputedStyle(el.closest('aside') as Element).backgroundColor);
    const [l, d] = await Promise.all([bg(light), bg(dark)]);
    expect(l).not.toBe(d);
    const luminance = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
    expect(luminance(d)).toBeLessThan(luminance(l));
    await chatItem(dark.page, 'Design Team').click();
    await poll(() => dark.page.getByTestId('message').count()).toBeGreaterThanOrEqual(5);
    await screenshot(dark.page, 'desktop-group-dark');
    const phoneDark = await open(alice, { viewport: PHONE, colorScheme: 'dark' });
    await screenshot(phoneDark.page, 'phone-chat-list-dark');

    // Keyboard only: Tab reaches the controls, Enter opens a chat and sends from the composer.
    const { page } = light;
    await page.getByTestId('search').focus();
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter-all');
    await chatItem(page, 'Dan Wu').focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('chat-title').textContent()).toBe('Dan Wu');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer');
    await page.keyboard.type('Typed with the keyboard');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('message-body').last().textContent()).toBe('Typed with the keyboard');
    for (const s of [light, dark, phoneDark]) expect(s.errors).toEqual([]);
  });
});
