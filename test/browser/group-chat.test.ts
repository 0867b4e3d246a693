// Acceptance (b): one person creates a group through the dialog; messages reach all three with
// sender names; someone added later sees the chat appear without reloading.
import { describe, it, expect } from 'vitest';
import { screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, connectBot, createDirect, messageBodies, poll, sendFromUi, sendViaSocket } from './helpers.ts';

describe('group chat across three browsers', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz', dave: 'Dave Okafor' });
  const { server, open } = world;

  it('creates a group, exchanges messages with sender names, adds a member live', async () => {
    const { alice, bob, carol, dave } = world.users;
    const [a, b, c] = await Promise.all([alice, bob, carol].map((u) => open(u)));

    await a.page.getByTestId('new-group').click();
    const dialog = a.page.getByTestId('new-group-dialog');
    await dialog.getByTestId('group-name').fill('Project Falcon');
    await dialog.locator('[data-testid="member-option"][data-name="Bob Stone"]').check();
    await dialog.locator('[data-testid="member-option"][data-name="Carol Diaz"]').check();
    await dialog.getByTestId('create-group').click();
    await poll(() => a.page.getByTestId('chat-title').textContent()).toBe('Project Falcon');
    await poll(() => a.page.getByTestId('new-group-dialog').count()).toBe(0);

    // The group appears for the others without a reload, with its member count.
    for (const s of [a, b, c]) {
      await poll(() => chatItem(s.page, 'Project Falcon').getByTestId('member-count').textContent()).toBe('3');
    }

    await sendFromUi(a.page, 'Kick-off at ten');
    await chatItem(b.page, 'Project Falcon').click();
    await chatItem(c.page, 'Project Falcon').click();
    await sendFromUi(b.page, 'Works for me');
    await sendFromUi(c.page, 'See you there');

    const expected = ['Kick-off at ten', 'Works for me', 'See you there'];
    for (const s of [a, b, c]) await poll(() => messageBodies(s.page)).toEqual(expected);

    // Sender names show on other people's messages, never on one's own.
    await poll(() => a.page.getByTestId('message-sender').allTextContents()).toEqual(['Bob Stone', 'Carol Diaz']);
    await poll(() => b.page.getByTestId('message-sender').allTextContents()).toEqual(['Alice Martin', 'Carol Diaz']);
    await poll(() => c.page.getByTestId('message-sender').allTextContents()).toEqual(['Alice Martin', 'Bob Stone']);
    // Everyone has the chat open: Carol's message is read by both others.
    await poll(() => c.page.getByTestId('seen-by').textContent()).toBe('Seen by 2');

    // Dave is signed in with no chats; Alice adds him from the member panel.
    const d = await open(dave);
    await poll(() => d.page.getByTestId('chat-list-item').count()).toBe(0);
    await a.page.getByTestId('members-button').click();
    await poll(() => a.page.getByTestId('member-item').count()).toBe(3);
    await a.page.getByTestId('add-members').click();
    await a.page.getByTestId('add-member-option').filter({ hasText: 'Dave Okafor' }).click();
    await poll(() => a.page.getByTestId('member-item').count()).toBe(4);
    await screenshot(a.page, 'desktop-group-members');

    await poll(() => chatItem(d.page, 'Project Falcon').count()).toBe(1);
    await poll(() => chatItem(b.page, 'Project Falcon').getByTestId('member-count').textContent()).toBe('4');
    await chatItem(d.page, 'Project Falcon').click();
    await sendFromUi(d.page, 'Thanks for adding me');
    for (const s of [a, b, c, d]) {
      await poll(() => s.page.getByTestId('message-body').last().textContent()).toBe('Thanks for adding me');
    }
    await poll(() => b.page.getByTestId('message-sender').last().textContent()).toBe('Dave Okafor');

    await screenshot(b.page, 'desktop-group');

    // The owner removes Dave, once confirmed: the chat leaves his list at once, and the open chat
    // closes with a notice saying why.
    await a.page.getByTestId('member-item').filter({ hasText: 'Dave Okafor' }).getByTestId('remove-member').click();
    await a.page.getByTestId('confirm-remove-member').getByTestId('confirm-ok').click();
    await poll(() => a.page.getByTestId('member-item').count()).toBe(3);
    await poll(() => chatItem(d.page, 'Project Falcon').count()).toBe(0);
    await poll(() => d.page.getByTestId('chat-window').count()).toBe(0);
    expect(await d.page.getByTestId('chat-closed-notice').textContent()).toContain('Project Falcon');

    // A message in another chat: a toast and the bell, while Bob stays in the group.
    const bot = await connectBot(server.url, carol.token);
    await sendViaSocket(bot, await createDirect(server.url, carol.token, bob.user.id), 'Quick question for you');
    bot.disconnect();
    await poll(() => b.page.getByTestId('toast').textContent()).toContain('Quick question for you');
    await poll(() => b.page.getByTestId('bell-count').textContent()).toBe('1');
    await poll(() => b.page.getByTestId('chat-title').textContent()).toBe('Project Falcon');
    await b.page.getByTestId('bell').click();
    // Newest first; the group's earlier notification was already seen when Bob opened the group.
    await poll(() => b.page.getByTestId('notification-item').first().textContent()).toContain('Carol DiazQuick question for you');
    await b.page.getByTestId('notification-item').first().click();
    await poll(() => b.page.getByTestId('chat-title').textContent()).toBe('Carol Diaz');
    await poll(() => messageBodies(b.page)).toEqual(['Quick question for you']);
    await poll(() => b.page.getByTestId('bell-count').count()).toBe(0);
    for (const s of [a, b, c, d]) expect(s.errors).toEqual([]);
  });
});
