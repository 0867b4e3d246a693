import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { ARTICLE_DESCRIPTION, ARTICLE_TITLE, startPreviewPages, type PreviewPages } from '../support/preview-pages.ts';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';

// Public-looking names that the suite's own DNS server resolves to 127.0.0.1, where its pages run.
const NEWS = 'news.example-preview.com';
let dns: TestDnsServer;
let pages: PreviewPages;

const server = useTestServer(
  async () => {
    dns = await startDnsServer({ [NEWS]: '127.0.0.1', 'internal.example-preview.com': '127.0.0.1', 'direct.example-preview.com': '127.0.0.1' });
    pages = await startPreviewPages();
    return { env: { CHATFLOW_DNS_SERVERS: dns.address } };
  },
  async () => {
    await pages.close();
    await dns.close();
  },
);

const news = (path: string) => `http://${NEWS}:${pages.port}${path}`;

async function setSettings(patch: Record<string, unknown>) {
  const response = await server.api(server.admin.token).patch('/api/admin/settings', patch);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

let people: { alice: TestUser; bob: TestUser; carol: TestUser; chatId: string } | undefined;
async function chat() {
  if (!people) {
    const [alice, bob, carol] = [await server.createUser(), await server.createUser(), await server.createUser()];
    const created = await server.api(alice.token).post('/api/chats/direct', { userId: bob.user.id });
    people = { alice, bob, carol, chatId: created.body.chat.id as string };
  }
  return people;
}

async function send(body: string): Promise<string> {
  const { alice, chatId } = await chat();
  const sent = await server.api(alice.token).post(`/api/chats/${chatId}/messages`, { clientId: randomUUID(), body });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.id as string;
}

async function previewOf(messageId: string) {
  const { bob } = await chat();
  const response = await server.api(bob.token).get(`/api/messages/${messageId}/preview`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.preview as { url: string; title: string; description: string | null; siteName: string; imageUrl: string | null } | null;
}

describe('link previews: refusals', () => {
  it('answers 401 without a session and 404 to a non-member, like an unknown message', async () => {
    const id = await send(`look ${news('/article')}`);
    const anonymous = server.api();
    expect((await anonymous.get(`/api/messages/${id}/preview`)).status).toBe(401);
    expect((await anonymous.get(`/api/messages/${id}/preview/image`)).status).toBe(401);
    const { carol } = await chat();
    for (const target of [id, randomUUID(), 'not-a-uuid']) {
      for (const path of [`/api/messages/${target}/preview`, `/api/messages/${target}/preview/image`]) {
        const response = await server.api(carol.token).get(path);
        expect(response.status, path).toBe(404);
        expect(response.body.error.code).toBe('not_found');
      }
    }
  });

  it('refuses host list entries that are not host names', async () => {
    for (const patch of [{ linkPreviewAllowHosts: ['http://x.example'] }, { linkPreviewDenyHosts: ['a b'] }, { linkPreviewPorts: [0] }, { linkPreviews: 'yes' }]) {
      const response = await server.api(server.admin.token).patch('/api/admin/settings', patch);
      expect(response.status, JSON.stringify(patch)).toBe(400);
    }
    expect((await server.api(server.admin.token).get('/api/admin/settings')).body.settings).toMatchObject({
      linkPreviews: true,
      linkPreviewAllowHosts: [],
      linkPreviewDenyHosts: [],
      linkPreviewPorts: [],
    });
  });

  it('gives no preview for javascript:, file: or ftp: links, or a message without a link', async () => {
    const before = pages.requests.length;
    for (const body of ['javascript:alert(1)', `file:///etc/passwd`, `ftp://${NEWS}/article`, '[click](javascript:fetch(1))', 'no link at all']) {
      expect(await previewOf(await send(body)), body).toBeNull();
    }
    expect(pages.requests.length).toBe(before);
  });

  it('does not fetch a port other than 80 or 443 unless the admin lists it', async () => {
    await setSettings({ linkPreviewAllowHosts: [NEWS] });
    expect(await previewOf(await send(news('/refused-first')))).toBeNull();
    expect(pages.hits('/refused-first')).toBe(0);
    await setSettings({ linkPreviewAllowHosts: [], linkPreviewPorts: [pages.port] });
  });

  it('refuses a public-looking name that resolves to this machine, and fetches nothing', async () => {
    const id = await send(`see ${news('/refused-first')} today`);
    expect(await previewOf(id)).toBeNull();
    // It was resolved, through the configured DNS server, and refused on its address.
    expect(dns.queries).toContain(NEWS);
    expect(pages.hits('/refused-first')).toBe(0);
    // Allow-listed, the same message gets its card: the refusal was not remembered.
    await setSettings({ linkPreviewAllowHosts: [NEWS] });
    expect(await previewOf(id)).toMatchObject({ title: ARTICLE_TITLE });
    expect(pages.hits('/refused-first')).toBe(1);
  });

  it('refuses loopback addresses in any spelling', async () => {
    for (const host of ['127.0.0.1', '127.1', '0x7f000001', '2130706433', '[::1]', '[::ffff:127.0.0.1]', '0', 'localhost']) {
      expect(await previewOf(await send(`http://${host}:${pages.port}/secret`)), host).toBeNull();
    }
    expect(pages.hits('/secret')).toBe(0);
  });

  it('refuses a redirect from an allowed host to a private address or a name that resolves to one', async () => {
    for (const path of ['/to-loopback', '/to-mapped-loopback', '/to-internal-name']) {
      expect(await previewOf(await send(news(path))), path).toBeNull();
      expect(pages.hits(path), path).toBe(1);
    }
    expect(pages.hits('/secret')).toBe(0);
    expect(await previewOf(await send(news('/loop')))).toBeNull();
    // The link and three redirects, then it gives up.
    expect(pages.hits('/loop')).toBe(4);
  });

  it('gives no preview for what is not an HTML page', async () => {
    expect(await previewOf(await send(news('/not-html')))).toBeNull();
    expect(await previewOf(await send(news('/missing')))).toBeNull();
  });

  it('cuts off a page that never ends and one that never finishes', async () => {
    // The first 512 KiB are read, which hold the head; the rest is never asked for.
    expect(await previewOf(await send(news('/endless')))).toMatchObject({ title: 'Endless page' });
    expect(pages.endlessBytesWritten()).toBeLessThan(64 * 1024 * 1024);
    // A page that trickles forever is abandoned at the deadline: no card, and the request answers.
    expect(await previewOf(await send(news('/slow')))).toBeNull();
  });

  it('drops an image over the size limit and keeps the card', async () => {
    const id = await send(news('/big-image-article'));
    expect(await previewOf(id)).toMatchObject({ title: ARTICLE_TITLE, imageUrl: null });
    expect(pages.hits('/images/huge.png')).toBe(1);
    const { bob } = await chat();
    expect((await server.api(bob.token).get(`/api/messages/${id}/preview/image`)).status).toBe(404);
  });
});

describe('link previews: the card', () => {
  it('shows the Open Graph title, description, site and the image through the server', async () => {
    const id = await send(`Good news: ${news('/article')}.`);
    const preview = await previewOf(id);
    expect(preview).toEqual({
      url: news('/article'),
      title: ARTICLE_TITLE,
      description: ARTICLE_DESCRIPTION,
      siteName: 'Quay News',
      imageUrl: `/api/messages/${id}/preview/image`,
    });
    const { bob } = await chat();
    const image = await fetch(`${server.url}${preview!.imageUrl}`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(image.headers.get('content-security-policy')).toContain('sandbox');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    // Re-encoded by the server and made smaller, not the page's own bytes.
    expect(meta).toMatchObject({ format: 'webp', width: 480, height: 270 });
  });

  it('falls back to <title> and the meta description, and follows a redirect on the same host', async () => {
    const expected = { title: 'Plain & simple', description: 'Only the basics.', siteName: NEWS, imageUrl: null };
    expect(await previewOf(await send(news('/plain')))).toEqual({ url: news('/plain'), ...expected });
    expect(await previewOf(await send(news('/moved')))).toEqual({ url: news('/moved'), ...expected });
  });

  it('connects to the address it checked, without asking DNS again', async () => {
    const host = 'direct.example-preview.com';
    await setSettings({ linkPreviewAllowHosts: [NEWS, host] });
    // A page without an image: one fetch, one resolution.
    expect(await previewOf(await send(`http://${host}:${pages.port}/plain`))).toMatchObject({ title: 'Plain & simple' });
    // One A and one AAAA question, both before the check; the system resolver does not know the name,
    // so the page could only be reached at the address the guard had checked.
    expect(dns.queries.filter((name) => name === host)).toHaveLength(2);
    expect(pages.requests).toContain(`${host} /plain`);
  });

  it('fetches a URL once for many readers at once, and caches it', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => send(`${news('/second-article')} (shared)`)));
    const previews = await Promise.all([...ids, ...ids].map((id) => previewOf(id)));
    expect(previews.map((p) => p?.title)).toEqual(Array(6).fill(ARTICLE_TITLE));
    expect(await previewOf(ids[0]!)).toMatchObject({ title: ARTICLE_TITLE });
    expect(pages.hits('/second-article')).toBe(1);
  });

  it('honours the deny-list and the off switch, even for a cached card', async () => {
    const id = await send(news('/article'));
    expect(await previewOf(id)).toMatchObject({ title: ARTICLE_TITLE });
    const { bob } = await chat();
    await setSettings({ linkPreviewDenyHosts: ['*.example-preview.com'] });
    expect(await previewOf(id)).toBeNull();
    await setSettings({ linkPreviewDenyHosts: [], linkPreviews: false });
    expect(await previewOf(id)).toBeNull();
    expect((await server.api(bob.token).get(`/api/messages/${id}/preview/image`)).status).toBe(404);
    await setSettings({ linkPreviews: true });
    expect(await previewOf(id)).toMatchObject({ title: ARTICLE_TITLE });
  });

  it('deletes cards that expired long ago when it stores another', async () => {
    const { knex } = server.running.services;
    const longAgo = new Date(Date.now() - 30 * 24 * 60 * 60_000);
    await knex('linkPreviews').insert({ urlHash: 'stale', url: 'https://stale.example/', status: 'failed', fetchedAt: longAgo, expiresAt: longAgo });
    expect(await previewOf(await send(news('/plain?fresh')))).toMatchObject({ title: 'Plain & simple' });
    expect(await knex('linkPreviews').where({ urlHash: 'stale' }).first()).toBeUndefined();
  });

  it('gives no preview for a deleted message', async () => {
    const id = await send(news('/article'));
    const { alice } = await chat();
    expect((await server.api(alice.token).delete(`/api/messages/${id}`)).status).toBe(204);
    expect(await previewOf(id)).toBeNull();
  });
});
