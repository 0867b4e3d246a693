// Acceptance (d): message text is text. Markup in a body never becomes HTML; links are safe.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { launchBrowser, openSignedIn, type Session } from '../support/browser.ts';
import { chatItem, createDirect, messageBodies, poll, sendFromUi } from './helpers.ts';

const PAYLOAD = '<img src=x onerror="window.__x=1">';

describe('message bodies are rendered as text', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;
  const sessions: Session[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    alice = await server.createUser({ name: 'Alice Martin' });
    bob = await server.createUser({ name: 'Bob Stone' });
    await createDirect(server.url, alice.token, bob.user.id);
  });

  afterAll(async () => {
    for (const s of sessions) await s.context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it('shows markup as text and sets nothing, for sender and receiver', async () => {
    const [a, b] = await Promise.all([alice, bob].map((u) => openSignedIn(browser, server.url, u)));
    sessions.push(a, b);
    await chatItem(a.page, 'Bob Stone').click();
    await sendFromUi(a.page, PAYLOAD);
    await chatItem(b.page, 'Alice Martin').click();
    for (const s of [a, b]) {
      await poll(() => messageBodies(s.page)).toEqual([PAYLOAD]);
      expect(await s.page.getByTestId('message-list').locator('img').count()).toBe(0);
      expect(await s.page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
    }
    // The chat list preview is text too.
    await poll(() => chatItem(b.page, 'Alice Martin').getByTestId('chat-preview').textContent()).toContain(PAYLOAD);
    // And after a reload, when the body comes from history instead of the socket.
    await b.page.reload();
    await b.page.getByTestId('app-shell').waitFor();
    await chatItem(b.page, 'Alice Martin').click();
    await poll(() => messageBodies(b.page)).toEqual([PAYLOAD]);
    expect(await b.page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
  });

  it('makes http links clickable and leaves other schemes as text', async () => {
    const a = await openSignedIn(browser, server.url, alice);
    sessions.push(a);
    await chatItem(a.page, 'Bob Stone').click();
    await sendFromUi(a.page, 'docs at https://example.com/guide?a=1&b=2. not javascript:alert(1) or <a href="javascript:alert(2)">x</a>');
    const body = a.page.getByTestId('message-body').last();
    const links = body.locator('a');
    await poll(() => links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.com/guide?a=1&b=2');
    expect(await links.getAttribute('rel')).toContain('noopener');
    expect(await links.getAttribute('target')).toBe('_blank');
    expect(await body.textContent()).toContain('<a href="javascript:alert(2)">x</a>');
    for (const s of sessions) expect(s.errors).toEqual([]);
  });
});
