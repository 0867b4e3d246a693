// Acceptance (d): message text is text. Markup in a body never becomes HTML; links are safe.
import { describe, it, expect, beforeAll } from 'vitest';
import { screenshot } from '../support/browser.ts';
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

  it('renders the Markdown subset from tokens, with raw HTML as literal text', async () => {
    const a = await open(world.users.alice);
    await chatItem(a.page, 'Bob Stone').click();
    await sendFromUi(a.page, '**bold** _it_ `code` [x](https://example.com) <b>no</b>');
    const body = a.page.getByTestId('message-body').last();
    await poll(() => body.locator('strong').textContent()).toBe('bold');
    expect(await body.locator('em').textContent()).toBe('it');
    expect(await body.locator('code').textContent()).toBe('code');
    const link = body.locator('a');
    expect(await link.count()).toBe(1);
    expect([await link.getAttribute('href'), await link.textContent(), await link.getAttribute('target')]).toEqual(['https://example.com', 'x', '_blank']);
    expect(await link.getAttribute('rel')).toContain('noopener noreferrer');
    expect(await body.locator('b').count()).toBe(0);
    expect(await body.textContent()).toContain('<b>no</b>');
    // The body is stored as typed: the chat list shows the source.
    await poll(() => chatItem(a.page, 'Bob Stone').getByTestId('chat-preview').textContent()).toContain('**bold**');

    await sendFromUi(a.page, '> a quote\n\n- one\n- two\n\n1. first\n\n~~gone~~\n\n```\n<script>window.__x=1</script>\n```');
    const blocks = a.page.getByTestId('message-body').last();
    await poll(() => blocks.locator('blockquote').textContent()).toBe('a quote');
    expect(await blocks.locator('ul > li').allTextContents()).toEqual(['one', 'two']);
    expect(await blocks.locator('ol > li').allTextContents()).toEqual(['first']);
    expect(await blocks.locator('del').textContent()).toBe('gone');
    expect(await blocks.locator('pre code').textContent()).toBe('<script>window.__x=1</script>');
    expect(await blocks.locator('script').count()).toBe(0);
    await screenshot(a.page, 'desktop-markdown');
  });

  it('never links or executes Markdown links, autolinks and images with dangerous targets', async () => {
    const { alice, bob } = world.users;
    const [a, b] = await Promise.all([alice, bob].map((u) => open(u)));
    await chatItem(a.page, 'Bob Stone').click();
    await chatItem(b.page, 'Alice Martin').click();
    const payloads = [
      '[a](javascript:alert(1))',
      '[b](JaVaScRiPt:window.__x=2)',
      '[c](data:text/html,<script>window.__x=3</script>)',
      '[d](vbscript:msgbox(1))',
      '[e](https://x.com" onmouseover="window.__x=4)',
      '<javascript:window.__x=5>',
      '[f](&#106;avascript:window.__x=6)',
      '![x](javascript:window.__x=7)',
      '![y](https://example.com/y.png" onerror="window.__x=8)',
      '[g](  javascript:window.__x=9  )',
      '[h](/relative/path)',
    ];
    for (const p of payloads) await sendFromUi(a.page, p);
    for (const s of [a, b]) {
      const list = s.page.getByTestId('message-list');
      await poll(() => s.page.getByTestId('message-body').count()).toBeGreaterThanOrEqual(payloads.length);
      const bodies = (await s.page.getByTestId('message-body').allTextContents()).slice(-payloads.length);
      expect(bodies.length).toBe(payloads.length);
      expect(await list.locator('img').count()).toBe(0);
      // The only links left point at http(s); nothing carries an event handler or a script URL.
      const hrefs = await list.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
      for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:)/i);
      const attrs = await list.locator('*').evaluateAll((els) => els.flatMap((e) => [...e.attributes].map((at) => `${at.name}=${at.value}`)));
      expect(attrs.filter((x) => /^on/i.test(x) || /javascript:|vbscript:|data:text/i.test(x.split('=').slice(1).join('=')))).toEqual([]);
      for (const link of await list.locator('a').all()) await link.hover();
      expect(await s.page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
    }
    for (const s of [a, b]) expect(s.errors).toEqual([]);
  });
});
