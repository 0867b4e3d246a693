// Acceptance (d): message text is text. Markup in a body never becomes HTML; links are safe.
import { describe, it, expect, beforeAll } from 'vitest';
import { useBrowserWorld } from '../support/browser-world.ts';
import { chatItem, createDirect, messageBodies, poll, sendFromUi } from './helpers.ts';

const PAYLOAD = '<img src=x onerror="window.__x=1">';

describe('message bodies are rendered as text', () => {
  const world = useBrowserWorld({ alice: 'Alice Martin', bob: 'Bob Stone' });
  const { server, open, sessions } = world;

  beforeAll(async () => {
    const { alice, bob } = world.users;
    await createDirect(server.url, alice.token, bob.user.id);
  });

  it('shows markup as text and sets nothing, for sender and receiver', async () => {
    const { alice, bob } = world.users;
    const [a, b] = await Promise.all([alice, bob].map((u) => open(u)));
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
    const a = await open(world.users.alice);
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
