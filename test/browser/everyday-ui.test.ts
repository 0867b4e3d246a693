// The everyday polish of the chat UI: opening at the first unread message, archived and removed
// chats, toasts that keep clear of the composer, confirmations, drafts and the quick switcher.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DESKTOP, PHONE, screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { apiCall, chatItem, connectBot, createDirect, createGroup, poll, sendFromUi, sendViaSocket } from './helpers.ts';

const READ = 20;
const UNREAD = 300;

interface Box { x: number; y: number; width: number; height: number }

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return box;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether the box lies inside the other (the element is in view in that viewport). */
const inside = (inner: Box, outer: Box) => inner.y >= outer.y && inner.y + inner.height <= outer.y + outer.height;

const distanceFromBottom = (page: Page) => page.getByTestId('message-list').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

describe('everyday use of the chat UI', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz', dave: 'Dave Okafor' });
  const { server, open } = world;
  let unreadChat = '';
  let readChat = '';

  beforeAll(async () => {
    const { alice, bob, carol } = world.users;
    unreadChat = await createDirect(server.url, bob.token, alice.user.id);
    readChat = await createDirect(server.url, carol.token, alice.user.id);
    const bobBot = await connectBot(server.url, bob.token);
    const carolBot = await connectBot(server.url, carol.token);
    let readSeq = 0;
    for (let i = 1; i <= READ + UNREAD; i++) {
      const ack = await sendViaSocket(bobBot, unreadChat, i % 9 === 0 ? `unread ${i} ` + 'a longer line of text '.repeat(6) : `unread ${i}`);
      if (i === READ) readSeq = ack.seq ?? READ;
    }
    let lastRead = 0;
    for (let i = 1; i <= 80; i++) lastRead = (await sendViaSocket(carolBot, readChat, `seen ${i}`)).seq ?? i;
    bobBot.disconnect();
    carolBot.disconnect();
    await apiCall(server.url, alice.token, 'POST', `/api/chats/${unreadChat}/read`, { seq: readSeq });
    await apiCall(server.url, alice.token, 'POST', `/api/chats/${readChat}/read`, { seq: lastRead });
  }, 180_000);

  it('opens a chat with 300 unread at the "New messages" line, and one with none at the bottom', async () => {
    const { page, errors } = await open(world.users.alice);
    // Nothing unread: the newest message at the bottom.
    await chatItem(page, 'Carol Diaz').click();
    await poll(() => page.getByTestId('message-body').last().textContent()).toBe('seen 80');
    await poll(() => distanceFromBottom(page)).toBeLessThan(5);
    expect(await page.getByTestId('new-messages-marker').count()).toBe(0);

    await chatItem(page, 'Bob Stone').click();
    const marker = page.getByTestId('new-messages-marker');
    await marker.waitFor();
    const list = page.getByTestId('message-list');
    await poll(async () => inside(await boxOf(marker), await boxOf(list))).toBe(true);
    // The first unread message is right below the line, the last read one right above it.
    const rows = await page.locator('[data-testid="new-messages-marker"] ~ [data-testid="message"]').first().getByTestId('message-body').textContent();
    expect(rows).toBe(`unread ${READ + 1}`);
    expect(await distanceFromBottom(page)).toBeGreaterThan(1000);
    // The button to the end says how many are below (more than what is loaded yet).
    const count = page.getByTestId('jump-count');
    await poll(() => count.textContent()).toMatch(/^\d+\+?$/);
    expect(Number.parseInt((await count.textContent()) ?? '0', 10)).toBeGreaterThan(10);
    await screenshot(page, 'desktop-unread-marker');

    await page.getByTestId('jump-latest').click();
    await poll(() => page.getByTestId('message-body').last().textContent()).toBe(`unread ${READ + UNREAD}`);
    await poll(() => distanceFromBottom(page)).toBeLessThan(5);
    await poll(() => page.getByTestId('jump-latest').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`keeps toasts clear of the composer and Send on a ${label}, dismissible and held while hovered`, async () => {
      const { alice, dave } = world.users;
      const { page, errors } = await open(alice, { viewport });
      await chatItem(page, 'Carol Diaz').click();
      await page.getByTestId('composer').fill('typing something');
      const chatId = await createDirect(server.url, dave.token, alice.user.id);
      const bot = await connectBot(server.url, dave.token);
      for (let i = 1; i <= 3; i++) await sendViaSocket(bot, chatId, `ping ${label} ${i}`);
      bot.disconnect();
      const toasts = page.getByTestId('toast');
      await poll(() => toasts.count()).toBe(3);
      const composer = await boxOf(page.getByTestId('composer'));
      const send = await boxOf(page.getByTestId('send-button'));
      for (const toast of await toasts.all()) {
        const box = await boxOf(toast);
        expect(overlaps(box, composer)).toBe(false);
        expect(overlaps(box, send)).toBe(false);
      }
      await screenshot(page, `${label}-toasts`);
      // Hovered, they outlive their usual 5 s; dismissed, one goes.
      await toasts.first().hover();
      await page.waitForTimeout(6_500);
      expect(await toasts.count()).toBe(3);
      await toasts.first().getByTestId('toast-dismiss').click();
      await poll(() => toasts.count()).toBe(2);
      await page.mouse.move(2, viewport.height - 2);
      await poll(() => toasts.count(), 15_000).toBe(0);
      expect(errors).toEqual([]);
    });
  }

  it('shows an archived group with a banner and no composer, and closes a chat one is removed from with a notice', async () => {
    const { alice, bob, carol } = world.users;
    const archived = await createGroup(server.url, bob.token, 'Old project', [alice.user.id]);
    const leaving = await createGroup(server.url, carol.token, 'Short lived', [alice.user.id]);
    const { page, errors } = await open(alice, { viewport: PHONE, colorScheme: 'dark' });
    await chatItem(page, 'Old project').click();
    await page.getByTestId('composer').waitFor();
    await apiCall(server.url, server.admin.token, 'PATCH', `/api/admin/groups/${archived}`, { archived: true });
    await page.getByTestId('archived-banner').waitFor();
    expect(await page.getByTestId('composer').count()).toBe(0);
    expect(await page.getByTestId('send-button').count()).toBe(0);
    await screenshot(page, 'phone-dark-archived-group');

    await page.getByTestId('back-button').click();
    await chatItem(page, 'Short lived').click();
    await page.getByTestId('composer').waitFor();
    await apiCall(server.url, carol.token, 'DELETE', `/api/chats/${leaving}/members/${alice.user.id}`);
    const notice = page.getByTestId('chat-closed-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Short lived');
    expect(await page.getByTestId('chat-window').count()).toBe(0);
    await screenshot(page, 'phone-dark-chat-closed');
    await notice.getByTestId('toast-dismiss').click();
    await poll(() => notice.count()).toBe(0);

    // An admin deletes the (archived) group while it is open: the same notice.
    await chatItem(page, 'Old project').click();
    await page.getByTestId('archived-banner').waitFor();
    await apiCall(server.url, server.admin.token, 'DELETE', `/api/admin/groups/${archived}`);
    await poll(() => notice.textContent()).toContain('Old project');
    expect(await page.getByTestId('chat-window').count()).toBe(0);
    expect(await chatItem(page, 'Old project').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('asks before leaving a group; Cancel keeps the group and gives focus back', async () => {
    const { alice, bob } = world.users;
    await createGroup(server.url, bob.token, 'Book club', [alice.user.id]);
    const { page, errors } = await open(alice);
    await chatItem(page, 'Book club').click();
    await page.getByTestId('members-button').click();
    const leave = page.getByTestId('leave-group');
    await leave.click();
    const dialog = page.getByTestId('confirm-leave-group');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    await screenshot(page, 'desktop-confirm-leave');
    await dialog.getByTestId('confirm-cancel').click();
    await poll(() => dialog.count()).toBe(0);
    await poll(() => leave.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await chatItem(page, 'Book club').count()).toBe(1);
    // Escape backs out too; then the real thing.
    await leave.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    expect(await chatItem(page, 'Book club').count()).toBe(1);
    await leave.click();
    await dialog.getByTestId('confirm-ok').click();
    await poll(() => chatItem(page, 'Book club').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps a draft per chat across switching chats and a reload, and clears it when sent', async () => {
    const { page, errors } = await open(world.users.alice);
    await chatItem(page, 'Carol Diaz').click();
    await page.getByTestId('composer').fill('half a thought for Carol');
    await chatItem(page, 'Bob Stone').click();
    await poll(() => page.getByTestId('composer').inputValue()).toBe('');
    await page.getByTestId('composer').fill('for Bob');
    await chatItem(page, 'Carol Diaz').click();
    await poll(() => page.getByTestId('composer').inputValue()).toBe('half a thought for Carol');
    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    await poll(() => page.getByTestId('composer').inputValue()).toBe('half a thought for Carol');
    await chatItem(page, 'Bob Stone').click();
    await poll(() => page.getByTestId('composer').inputValue()).toBe('for Bob');
    await page.getByTestId('composer').press('Enter');
    await poll(() => page.getByTestId('message-body').last().textContent()).toBe('for Bob');
    await page.reload();
    await page.getByTestId('app-shell').waitFor();
    await chatItem(page, 'Bob Stone').click();
    await poll(() => page.getByTestId('message-body').last().textContent()).toBe('for Bob');
    expect(await page.getByTestId('composer').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });

  it('inserts an emoji at the caret and shows :shortcodes: as emoji while the body stays as typed', async () => {
    const { page, errors } = await open(world.users.alice, { viewport: PHONE, colorScheme: 'dark' });
    await chatItem(page, 'Carol Diaz').click();
    const composer = page.getByTestId('composer');
    await composer.fill('good  morning');
    await composer.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5));
    await page.getByTestId('emoji-button').click();
    await page.getByTestId('emoji-picker').waitFor();
    await screenshot(page, 'phone-dark-emoji-picker');
    await page.getByTestId('emoji-search').fill('sunny');
    await page.getByTestId('emoji-picker').locator('[data-testid="emoji-option"][data-name="sunny"]').click();
    await poll(() => composer.inputValue()).toBe('good ☀️ morning');
    await poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByTestId('emoji-button').click();
    await page.getByTestId('emoji-picker').waitFor();
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('emoji-picker').count()).toBe(0);
    await composer.fill('ship it :rocket: :not_an_emoji: `:tada:`');
    await composer.press('Enter');
    const body = page.getByTestId('message-body').last();
    await poll(() => body.textContent()).toBe('ship it 🚀 :not_an_emoji: :tada:');
    await composer.fill('**Plan**\n> ship _today_\n\n- `build` it\n- ~~wait~~');
    await composer.press('Enter');
    await poll(() => page.getByTestId('message-body').last().locator('li').count()).toBe(2);
    await screenshot(page, 'phone-dark-markdown');
    // The server keeps what was typed: the chat list preview shows it.
    await page.getByTestId('back-button').click();
    await poll(() => chatItem(page, 'Carol Diaz').getByTestId('chat-preview').textContent()).toContain('~~wait~~');
    expect(errors).toEqual([]);
  });

  it('opens the quick switcher with Ctrl+K, filters chats and people, opens with Enter, closes with Escape', async () => {
    const { dave } = world.users;
    const { page, errors } = await open(world.users.bob);
    await chatItem(page, 'Alice Martin').click();
    const composer = page.getByTestId('composer');
    await composer.focus();
    await page.keyboard.press('Control+k');
    const switcher = page.getByTestId('quick-switcher');
    await switcher.waitFor();
    await poll(() => page.getByTestId('quick-switcher-input').evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'desktop-quick-switcher');
    await page.keyboard.press('Escape');
    await poll(() => switcher.count()).toBe(0);
    await poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);

    // A person without a chat yet: Enter opens (creates) the direct chat.
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-switcher-input').fill('dave');
    const options = page.getByTestId('quick-switcher-option');
    await poll(() => options.allTextContents()).toEqual([expect.stringContaining('Dave Okafor')]);
    expect(await options.first().getAttribute('data-kind')).toBe('person');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('chat-title').textContent()).toBe('Dave Okafor');
    expect(await switcher.count()).toBe(0);
    expect(await createDirect(server.url, dave.token, world.users.bob.user.id)).toBe(await page.getByTestId('chat-window').getAttribute('data-chat-id'));

    // A chat, picked with the arrows among several matches.
    await page.keyboard.press('Control+k');
    await page.getByTestId('quick-switcher-input').fill('a');
    await poll(() => options.count()).toBeGreaterThan(1);
    const names = await options.allTextContents();
    const target = names.findIndex((n) => n.includes('Alice Martin'));
    expect(target).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('chat-title').textContent()).toBe('Alice Martin');
    expect(errors).toEqual([]);
  });
});
