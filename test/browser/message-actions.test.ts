// Acting on messages in two browsers: a mention picked from the autocomplete, reactions, an edit,
// a delete, replies (the quote jumps to the original, loading older history), and, with the Kafka
// log, a send the writer refused after the ack.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { describe, it, expect, beforeAll, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { DESKTOP, PHONE, screenshot } from '../support/browser.ts';
import { useBrowserWorld } from '../support/browser-world.ts';
import { startTestServer } from '../support/test-server.ts';
import { apiCall, chatItem, connectBot, createGroup, messageBodies, poll, sendFromUi, sendViaSocket, statusOf } from './helpers.ts';

const GROUP = 'Launch crew';
const ORIGINAL = 'Original plan: ship on Friday';
const FILLERS = 70;

/** The bubble whose text is exactly `text`. */
const bubble = (page: Page, text: string) =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });

const byId = (page: Page, id: string) => page.locator(`[data-testid="message"][data-id="${id}"]`);

/** Whether the message is wholly inside the visible part of the message list. */
const inView = (page: Page, id: string) => byId(page, id).evaluate((el) => {
  const list = (el.closest('[data-testid="message-list"]') as HTMLElement).getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return box.top >= list.top - 1 && box.bottom <= list.bottom + 1;
});

/** Opens the bubble's toolbar by hovering it and clicks one of its buttons. */
async function act(page: Page, text: string, button: string) {
  const target = bubble(page, text);
  await target.hover();
  await target.getByTestId(button).first().click();
}

describe('acting on messages in two browsers', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone', carol: 'Carol Diaz' });
  const { server, open } = world;
  let chatId = '';
  let originalId = '';

  beforeAll(async () => {
    const { alice, bob, carol } = world.users;
    chatId = await createGroup(server.url, alice.token, GROUP, [bob.user.id, carol.user.id]);
    const bots = [await connectBot(server.url, carol.token), await connectBot(server.url, bob.token)];
    originalId = (await sendViaSocket(bots[0]!, chatId, ORIGINAL)).id!;
    // More than a page of history, so the original is not loaded when the chat opens.
    for (let i = 1; i <= FILLERS; i++) await sendViaSocket(bots[i % 2]!, chatId, `filler ${i}`);
    for (const bot of bots) bot.disconnect();
    for (const who of [alice, bob]) await apiCall(server.url, who.token, 'POST', `/api/chats/${chatId}/read`, { seq: FILLERS + 1 });
  }, 120_000);

  it('mentions with the autocomplete, reacts, edits, deletes and replies, each seen live by the other', async () => {
    const { alice, bob, carol } = world.users;
    const [a, b] = await Promise.all([open(alice), open(bob)]);
    await chatItem(a.page, GROUP).click();
    await poll(() => messageBodies(a.page).then((x) => x.at(-1))).toBe(`filler ${FILLERS}`);

    // Mention: "@" lists the members (and @all/@here for the owner); keys move and close the list.
    const composer = a.page.getByTestId('composer');
    await composer.pressSequentially('@');
    const options = a.page.getByTestId('mention-option');
    const optionNames = () => a.page.getByTestId('mention-name').allTextContents();
    await poll(optionNames).toEqual(['Bob Stone', 'Carol Diaz', '@all', '@here']);
    await composer.press('ArrowDown');
    await poll(() => options.nth(1).getAttribute('aria-selected')).toBe('true');
    await composer.press('Escape');
    await poll(() => a.page.getByTestId('mention-list').count()).toBe(0);
    await composer.fill('');
    await composer.pressSequentially('Great work @Bo');
    await poll(optionNames).toEqual(['Bob Stone']);
    await screenshot(a.page, 'actions-mention-autocomplete');
    await composer.press('Enter');
    await poll(() => composer.inputValue()).toBe('Great work @Bob Stone ');
    await composer.pressSequentially('and thanks!');
    await composer.press('Enter');
    const mentionText = 'Great work @Bob Stone and thanks!';
    await poll(() => messageBodies(a.page).then((x) => x.at(-1))).toBe(mentionText);

    // Bob is elsewhere: the group shows a mention badge; in the chat his name is highlighted.
    await poll(() => chatItem(b.page, GROUP).getByTestId('mention-badge').count()).toBe(1);
    await screenshot(b.page, 'actions-mention-badge');
    await chatItem(b.page, GROUP).click();
    const mention = bubble(b.page, mentionText).getByTestId('mention');
    await poll(() => mention.getAttribute('data-user-id')).toBe(bob.user.id);
    await poll(() => mention.getAttribute('class')).toContain('is-me');
    await poll(() => chatItem(b.page, GROUP).getByTestId('mention-badge').count()).toBe(0);
    await screenshot(b.page, 'actions-mention-received');

    // Reactions: Bob's 👍 reaches Alice; her click on the chip adds hers; the picker filters by name.
    await act(b.page, mentionText, 'quick-reaction');
    const chip = (page: Page, emoji: string) => bubble(page, mentionText).locator(`[data-testid="reaction-chip"][data-emoji="${emoji}"]`);
    await poll(() => chip(a.page, '👍').getByTestId('reaction-count').textContent()).toBe('1');
    await poll(() => chip(a.page, '👍').getAttribute('data-mine')).toBe('false');
    await poll(() => chip(b.page, '👍').getAttribute('data-mine')).toBe('true');
    await poll(() => chip(a.page, '👍').getAttribute('title')).toBe('Bob Stone reacted with 👍');
    await chip(a.page, '👍').click();
    for (const s of [a, b]) await poll(() => chip(s.page, '👍').getByTestId('reaction-count').textContent()).toBe('2');
    await poll(() => chip(a.page, '👍').getAttribute('data-mine')).toBe('true');
    await act(b.page, mentionText, 'react-button');
    await b.page.getByTestId('reaction-filter').fill('party');
    await poll(() => b.page.getByTestId('emoji-option').evaluateAll((els) => els.map((e) => e.getAttribute('data-emoji')))).toEqual(['🎉', '🥳']);
    await screenshot(b.page, 'actions-reaction-picker');
    await b.page.locator('[data-testid="emoji-option"][data-emoji="🎉"]').click();
    await poll(() => chip(a.page, '🎉').getByTestId('reaction-count').textContent()).toBe('1');
    // Bob takes his 👍 back.
    await chip(b.page, '👍').click();
    await poll(() => chip(a.page, '👍').getByTestId('reaction-count').textContent()).toBe('1');
    await poll(() => chip(a.page, '👍').getAttribute('title')).toBe('You reacted with 👍');
    await screenshot(a.page, 'actions-reactions');

    // Edit in place: Escape cancels, Enter saves; Bob sees the new text marked "(edited)".
    await sendFromUi(a.page, 'Meeting at 10');
    await poll(() => statusOf(a.page, 'Meeting at 10')).toMatch(/^(sent|delivered|read)$/);
    await poll(() => bubble(b.page, 'Meeting at 10').count()).toBe(1);
    await act(a.page, 'Meeting at 10', 'edit-button');
    const editor = a.page.getByTestId('edit-input');
    await editor.fill('Meeting at 11');
    await editor.press('Escape');
    await poll(() => a.page.getByTestId('message-editor').count()).toBe(0);
    await poll(() => bubble(a.page, 'Meeting at 10').count()).toBe(1);
    // Up in the empty composer edits one's last message too.
    await composer.press('ArrowUp');
    await editor.fill('Meeting at 11, room 4');
    await screenshot(a.page, 'actions-edit-inline');
    await editor.press('Enter');
    for (const s of [a, b]) {
      await poll(() => bubble(s.page, 'Meeting at 11, room 4').getByTestId('edited-marker').textContent()).toBe('(edited)');
      await poll(() => bubble(s.page, 'Meeting at 10').count()).toBe(0);
    }
    await screenshot(b.page, 'actions-edited');

    // Delete, after a confirmation: the message keeps its place for both, without its text.
    await sendFromUi(a.page, 'Wrong chat, sorry');
    await poll(() => bubble(b.page, 'Wrong chat, sorry').count()).toBe(1);
    const deletedId = (await bubble(a.page, 'Wrong chat, sorry').getAttribute('data-id'))!;
    await act(a.page, 'Wrong chat, sorry', 'delete-button');
    await a.page.getByTestId('confirm-delete').waitFor();
    await screenshot(a.page, 'actions-delete-confirm');
    await a.page.getByTestId('confirm-delete-ok').click();
    for (const s of [a, b]) {
      await poll(() => byId(s.page, deletedId).getAttribute('data-deleted')).toBe('true');
      await poll(() => byId(s.page, deletedId).getByTestId('message-deleted').textContent()).toBe('This message was deleted');
      expect(await s.page.getByText('Wrong chat, sorry').count()).toBe(0);
    }
    // Bob may not edit or delete Alice's messages: his toolbar offers neither.
    await bubble(b.page, mentionText).hover();
    await poll(() => bubble(b.page, mentionText).getByTestId('reply-button').count()).toBe(1);
    expect(await bubble(b.page, mentionText).getByTestId('edit-button').count()).toBe(0);
    expect(await bubble(b.page, mentionText).getByTestId('delete-button').count()).toBe(0);
    await screenshot(b.page, 'actions-deleted');

    // Reply: the quote shows above Bob's composer; Alice gets the reply with the quote, and the
    // quote takes her to the original.
    await act(b.page, 'Meeting at 11, room 4', 'reply-button');
    await poll(() => b.page.getByTestId('reply-bar').textContent()).toContain('Replying to Alice Martin');
    await screenshot(b.page, 'actions-reply-composer');
    await sendFromUi(b.page, 'Works for me');
    await poll(() => b.page.getByTestId('reply-bar').count()).toBe(0);
    const quote = bubble(a.page, 'Works for me').getByTestId('reply-quote');
    await poll(() => quote.textContent()).toBe('Alice MartinMeeting at 11, room 4');
    const editedId = (await bubble(a.page, 'Meeting at 11, room 4').getAttribute('data-id'))!;
    await quote.click();
    await poll(() => byId(a.page, editedId).getAttribute('class')).toContain('is-flash');

    // A reply to a message far back in history: the quote loads older pages until it is there.
    const bot = await connectBot(server.url, carol.token);
    const ack = await bot.timeout(10_000).emitWithAck('message:send', { chatId, clientId: randomUUID(), body: 'Still Friday?', replyToId: originalId });
    expect(ack).toMatchObject({ ok: true });
    bot.disconnect();
    const oldQuote = bubble(a.page, 'Still Friday?').getByTestId('reply-quote');
    await poll(() => oldQuote.textContent()).toBe('Carol Diaz' + ORIGINAL);
    expect(await byId(a.page, originalId).count()).toBe(0);
    await oldQuote.click();
    await poll(() => inView(a.page, originalId), 20_000).toBe(true);
    await poll(() => byId(a.page, originalId).getAttribute('class')).toContain('is-flash');
    await screenshot(a.page, 'actions-reply-jump');
    for (const s of [a, b]) expect(s.errors).toEqual([]);
  });

  it('finds a message by its words and opens it at its place in the chat', async () => {
    const { bob } = world.users;
    const b = await open(bob);
    await b.page.getByTestId('search').fill('ship Friday');
    await b.page.getByTestId('search-messages-for').click();
    const result = b.page.locator(`[data-testid="search-result"][data-message-id="${originalId}"]`);
    await poll(() => result.count()).toBe(1);
    await poll(() => result.getByTestId('search-snippet').locator('mark').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/ship/i)]));
    await screenshot(b.page, 'actions-search-results');
    await result.click();
    await poll(() => b.page.getByTestId('chat-title').textContent()).toBe(GROUP);
    await poll(() => inView(b.page, originalId), 20_000).toBe(true);
    await poll(() => byId(b.page, originalId).getAttribute('class')).toContain('is-flash');
    await screenshot(b.page, 'actions-search-jump');

    expect(b.errors).toEqual([]);
  });

  it('mutes and archives a chat from its menu, and the settings hold after a reload', async () => {
    const { bob } = world.users;
    const b = await open(bob);
    await chatItem(b.page, GROUP).click();
    await b.page.getByTestId('chat-menu-button').click();
    await b.page.getByTestId('toggle-mute').click();
    await poll(() => chatItem(b.page, GROUP).getByTestId('muted-icon').count()).toBe(1);
    await poll(() => b.page.getByTestId('chat-muted-flag').count()).toBe(1);
    await b.page.getByTestId('chat-menu-button').click();
    await poll(() => b.page.getByTestId('toggle-mute').textContent()).toBe('Unmute notifications');
    await screenshot(b.page, 'actions-chat-menu');
    await b.page.getByTestId('toggle-archive').click();
    // Archived: out of "All", under its own filter.
    await poll(() => chatItem(b.page, GROUP).count()).toBe(0);
    await b.page.getByTestId('filter-archived').click();
    await poll(() => chatItem(b.page, GROUP).count()).toBe(1);

    await b.page.reload();
    await b.page.getByTestId('app-shell').waitFor();
    await poll(() => chatItem(b.page, GROUP).count()).toBe(0);
    await b.page.getByTestId('filter-archived').click();
    await poll(() => chatItem(b.page, GROUP).getByTestId('muted-icon').count()).toBe(1);
    await chatItem(b.page, GROUP).click();
    await b.page.getByTestId('chat-menu-button').click();
    await b.page.getByTestId('toggle-archive').click();
    await b.page.getByTestId('chat-menu-button').click();
    await b.page.getByTestId('toggle-mute').click();
    await b.page.getByTestId('filter-all').click();
    await poll(() => chatItem(b.page, GROUP).count()).toBe(1);
    await poll(() => chatItem(b.page, GROUP).getByTestId('muted-icon').count()).toBe(0);
    const { chats } = await apiCall<{ chats: Array<{ id: string; muted: boolean; archived: boolean }> }>(server.url, bob.token, 'GET', '/api/chats');
    expect(chats.find((c) => c.id === chatId)).toMatchObject({ muted: false, archived: false });
    expect(b.errors).toEqual([]);
  });

  it('shows the same states on a phone and in the dark theme', async () => {
    const { bob } = world.users;
    const phone = await open(bob, { viewport: PHONE });
    await chatItem(phone.page, GROUP).click();
    await poll(() => phone.page.getByTestId('reaction-chip').count()).toBeGreaterThan(0);
    await poll(() => phone.page.getByTestId('reply-quote').count()).toBeGreaterThan(0);
    // A long press (the context menu) opens a bubble's actions where there is no hover.
    await bubble(phone.page, 'Works for me').dispatchEvent('contextmenu');
    await poll(() => bubble(phone.page, 'Works for me').getByTestId('message-menu').getAttribute('class')).toContain('is-open');
    await screenshot(phone.page, 'phone-actions');
    const dark = await open(bob, { viewport: DESKTOP, colorScheme: 'dark' });
    await chatItem(dark.page, GROUP).click();
    await poll(() => dark.page.getByTestId('reply-quote').count()).toBeGreaterThan(0);
    await bubble(dark.page, 'Meeting at 11, room 4').hover();
    await screenshot(dark.page, 'desktop-actions-dark');
    for (const s of [phone, dark]) expect(s.errors).toEqual([]);
  });
});

describe('a change missed on the socket', () => {
  const { server, open } = useBrowserWorld();

  it('is fetched over REST (afterSeq) when the next entry skips its seq, and applied in place; one that arrives is no gap', async () => {
    const alice = await server.createUser({ name: 'Alice Martin' });
    const bob = await server.createUser({ name: 'Bob Stone' });
    const chatId = await createGroup(server.url, alice.token, 'Lossy', [bob.user.id]);
    // Bob's socket passes through a proxy that can lose message:updated frames while connected.
    let dropping = false;
    const dropped: string[] = [];
    const b = await open(bob, {
      setup: (context) => context.routeWebSocket(/\/socket\.io\//, (ws) => {
        const upstream = ws.connectToServer();
        upstream.onMessage((frame) => {
          if (dropping && typeof frame === 'string' && frame.startsWith('42["message:updated"')) {
            dropped.push(frame);
            return;
          }
          ws.send(frame);
        });
      }),
    });
    await chatItem(b.page, 'Lossy').click();
    const bot = await connectBot(server.url, alice.token);
    const { id } = await sendViaSocket(bot, chatId, 'React to this');
    await poll(() => bubble(b.page, 'React to this').count()).toBe(1);

    dropping = true;
    expect(await bot.timeout(10_000).emitWithAck('reaction:add', { messageId: id, emoji: '🚀' })).toMatchObject({ ok: true });
    expect(await bot.timeout(10_000).emitWithAck('message:edit', { messageId: id, body: 'React to this, please' })).toMatchObject({ ok: true });
    await poll(() => dropped.length).toBe(2);
    dropping = false;
    expect(await b.page.getByTestId('reaction-chip').count()).toBe(0);

    const gapFetch = b.page.waitForRequest((req) => /\/api\/chats\/[^/]+\/messages\?.*afterSeq=/.test(req.url()));
    await sendViaSocket(bot, chatId, 'and one more');
    await gapFetch;
    await poll(() => messageBodies(b.page)).toEqual(['React to this, please', 'and one more']);
    await poll(() => bubble(b.page, 'React to this, please').getByTestId('reaction-chip').getAttribute('data-emoji')).toBe('🚀');
    await poll(() => bubble(b.page, 'React to this, please').getByTestId('edited-marker').count()).toBe(1);

    // Changes that do arrive move the watermark like new messages: the next message is no gap.
    const fetches: string[] = [];
    b.page.on('request', (req) => { if (/afterSeq=/.test(req.url())) fetches.push(req.url()); });
    expect(await bot.timeout(10_000).emitWithAck('reaction:add', { messageId: id, emoji: '👀' })).toMatchObject({ ok: true });
    await poll(() => bubble(b.page, 'React to this, please').getByTestId('reaction-chip').count()).toBe(2);
    await sendViaSocket(bot, chatId, 'no gap here');
    await poll(() => messageBodies(b.page).then((x) => x.at(-1))).toBe('no gap here');
    expect(fetches).toEqual([]);
    bot.disconnect();
    expect(b.errors).toEqual([]);
  });
});

// Each run gets its own topic, group and Redis database, so nothing is shared with other suites.
const suffix = randomBytes(4).toString('hex');
const redisUrl = new URL(inject('redisUrl'));
redisUrl.pathname = `/${randomInt(1, 16)}`;
const LOG_ENV = {
  KAFKA_BROKERS: inject('kafkaBrokers'),
  CHATFLOW_KAFKA_TOPIC: `chatflow.test.${suffix}`,
  CHATFLOW_KAFKA_GROUP: `chatflow-test-${suffix}`,
  CHATFLOW_KAFKA_SESSION_TIMEOUT_MS: '3000',
  CHATFLOW_KAFKA_HEARTBEAT_MS: '500',
  CHATFLOW_KAFKA_REBALANCE_TIMEOUT_MS: '5000',
  REDIS_URL: redisUrl.toString(),
};

describe('a send the writer refuses after the ack (Kafka log)', () => {
  // The browser talks to a front replica without a writer: sends are acked once the broker has
  // them, and written only when a writer replica starts.
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone' }, { env: { ...LOG_ENV, CHATFLOW_ROLES: 'web,realtime' } });
  const { server, open } = world;

  it('shows the bubble as failed, with the reason, when the group was archived in between', async () => {
    const { alice, bob } = world.users;
    const chatId = await createGroup(server.url, alice.token, 'Kafka crew', [bob.user.id]);
    const b = await open(bob);
    await chatItem(b.page, 'Kafka crew').click();
    await sendFromUi(b.page, 'Into the void');
    // Acked (the broker holds it), not yet written: one tick, no seq.
    await poll(() => statusOf(b.page, 'Into the void')).toBe('sent');
    expect(await bubble(b.page, 'Into the void').getAttribute('data-seq')).toBe('');

    await apiCall(server.url, server.admin.token, 'PATCH', `/api/admin/groups/${chatId}`, { archived: true });
    const connection = server.running.services.knex.client.config.connection as { connectionString: string };
    const writer = await startTestServer({ databaseUrl: connection.connectionString, env: LOG_ENV });
    try {
      await poll(() => bubble(b.page, 'Into the void').getByTestId('failed-reason').textContent(), 30_000)
        .toBe('Not sent: This group is archived.');
      await poll(() => statusOf(b.page, 'Into the void')).toBe('failed');
      // Refused for good: no retry, only dismissing it.
      expect(await bubble(b.page, 'Into the void').getByTestId('retry-button').count()).toBe(0);
      await screenshot(b.page, 'actions-rejected');
      await bubble(b.page, 'Into the void').getByTestId('discard-button').click();
      await poll(() => bubble(b.page, 'Into the void').count()).toBe(0);
    } finally {
      await writer.close();
    }
    expect(b.errors).toEqual([]);
  });
});
