// Acceptance (a): two people in two browser contexts sign in, start a direct chat and talk;
// typing shows, ticks go sent -> delivered -> read, the unread badge rises and clears.
import { describe, it, expect } from 'vitest';
import { screenshot, signIn } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, messageBodies, poll, sendFromUi, statusOf } from './helpers.ts';

describe('direct chat between two browsers', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone' });
  const { open, openSignedOut } = world;

  it('refuses a wrong password with a clear message', async () => {
    const { alice } = world.users;
    const s = await openSignedOut();
    await s.page.getByTestId('sign-in-email').fill(alice.user.email);
    await s.page.getByTestId('sign-in-password').fill('not-the-password');
    await s.page.getByTestId('sign-in-submit').click();
    await poll(() => s.page.getByTestId('sign-in-error').textContent()).toMatch(/wrong email or password/i);
    await expect(s.page.getByTestId('app-shell').count()).resolves.toBe(0);
    await screenshot(s.page, 'desktop-sign-in-error');
    await signIn(s.page, alice.user.email, alice.password);
    await s.page.getByTestId('sign-out').click();
    await s.page.getByTestId('sign-in-form').waitFor();
    await s.page.reload();
    await s.page.getByTestId('sign-in-form').waitFor();
  });

  it('exchanges messages with typing, ticks and unread badges', async () => {
    const { alice, bob } = world.users;
    const a = await open(alice);

    // Alice starts the chat from the "new message" dialog while Bob has never been online.
    await a.page.getByTestId('new-direct').click();
    await a.page.getByTestId('people-search').fill('Bob');
    await a.page.getByTestId('person-option').filter({ hasText: 'Bob Stone' }).click();
    await poll(() => a.page.getByTestId('chat-title').textContent()).toBe('Bob Stone');
    await sendFromUi(a.page, 'Hello Bob');
    await poll(() => statusOf(a.page, 'Hello Bob')).toBe('sent');

    // Bob signs in: the message reaches his device (delivered), his badge shows it unread.
    const b = await open(bob);
    const bobsItem = chatItem(b.page, 'Alice Martin');
    await poll(() => bobsItem.getByTestId('unread-badge').textContent()).toBe('1');
    await poll(() => statusOf(a.page, 'Hello Bob')).toBe('delivered');

    // A second message raises the badge and the tab title, live.
    await sendFromUi(a.page, 'Are you there?');
    await poll(() => bobsItem.getByTestId('unread-badge').textContent()).toBe('2');
    await poll(() => b.page.title()).toBe('(2) Chat-Flow');
    await poll(() => bobsItem.getByTestId('chat-preview').textContent()).toContain('Are you there?');
    await poll(() => statusOf(a.page, 'Are you there?')).toBe('delivered');

    // Opening the chat clears the badge and turns Alice's ticks to read.
    await bobsItem.click();
    await poll(() => messageBodies(b.page)).toEqual(['Hello Bob', 'Are you there?']);
    await poll(() => bobsItem.getByTestId('unread-badge').count()).toBe(0);
    await poll(() => b.page.title()).toBe('Chat-Flow');
    await poll(() => statusOf(a.page, 'Hello Bob')).toBe('read');
    await poll(() => statusOf(a.page, 'Are you there?')).toBe('read');

    // Typing shows on the other side, and goes away when the message lands.
    await b.page.getByTestId('composer').pressSequentially('Hi Ali', { delay: 20 });
    await poll(() => a.page.getByTestId('typing-indicator').textContent()).toBe('typing…');
    await b.page.getByTestId('composer').pressSequentially('ce', { delay: 20 });
    await b.page.getByTestId('composer').press('Enter');
    await poll(() => messageBodies(a.page)).toEqual(['Hello Bob', 'Are you there?', 'Hi Alice']);
    await poll(() => a.page.getByTestId('typing-indicator').count()).toBe(0);
    await poll(() => statusOf(b.page, 'Hi Alice')).toBe('read');

    // Shift+Enter makes a new line instead of sending.
    const composer = a.page.getByTestId('composer');
    await composer.fill('Line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('Line two');
    await poll(() => composer.inputValue()).toBe('Line one\nLine two');
    await composer.press('Enter');
    await poll(() => messageBodies(b.page)).toEqual(['Hello Bob', 'Are you there?', 'Hi Alice', 'Line one\nLine two']);
    await poll(() => composer.inputValue()).toBe('');

    // Each message exactly once on both sides, and the direct chat shows Bob online.
    await poll(() => a.page.getByTestId('message').count()).toBe(4);
    await poll(() => b.page.getByTestId('message').count()).toBe(4);
    await poll(() => a.page.getByTestId('chat-subtitle').textContent()).toBe('online');
    await screenshot(a.page, 'desktop-direct-chat');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
