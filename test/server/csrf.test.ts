import { beforeAll, describe, expect, it } from 'vitest';
import { Api, cookieHeaders } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import type { TestUser } from '../support/test-server.ts';

// Cross-site request forgery with the admin's cookie: a page of another origin (or another port of
// the same host) can send text/plain, form and multipart bodies without a preflight. None of them
// may change anything; the checks below look at the state afterwards, not only at the status.

const EVIL = 'http://evil.example';
const FORBIDDEN = { error: { code: 'forbidden', message: 'This request comes from a page Chat-Flow does not trust.' } };
const UNSUPPORTED = { error: { code: 'unsupported_type', message: 'Send JSON (Content-Type: application/json).' } };

const server = useTestServer();

/** A request as a browser page sends it: the cookie, an Origin, and the body type the page chose. */
function fromPage(method: string, path: string, options: { token: string; origin?: string; type?: string; body?: string; headers?: Record<string, string> }) {
  return new Api(server.url).request(method, path, options.body ?? '', {
    ...cookieHeaders(options.token, options.origin),
    'content-type': options.type ?? 'text/plain;charset=UTF-8',
    ...options.headers,
  });
}

async function multipartFromPage(method: string, path: string, token: string, origin: string) {
  const form = new FormData();
  form.set('password', 'attacker-chosen-1');
  form.set('name', 'Hijacked');
  form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
  const response = await fetch(`${server.url}${path}`, { method, body: form, headers: cookieHeaders(token, origin) });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
}

let admin: TestUser;
let victim: TestUser;
let groupId: string;
const bodies = {
  'text/plain': (json: object) => ({ type: 'text/plain;charset=UTF-8', body: JSON.stringify(json) }),
  'form': (json: object) => ({ type: 'application/x-www-form-urlencoded', body: new URLSearchParams(json as Record<string, string>).toString() }),
};

beforeAll(async () => {
  admin = server.admin;
  victim = await server.createUser({ name: 'Victim', password: 'victim-password-1' });
  const created = await server.api(admin.token).post('/api/admin/groups', { name: 'Original', memberIds: [victim.user.id] });
  expect(created.status).toBe(201);
  groupId = created.body.chat.id as string;
});

async function expectNothingChanged() {
  const login = await new Api(server.url).post('/api/auth/login', { email: victim.user.email, password: 'victim-password-1' });
  expect(login.status, 'the victim\'s password still works').toBe(200);
  expect((await server.api(victim.token).get('/api/me')).status, 'the victim\'s session is alive').toBe(200);
  expect((await new Api(server.url).request('GET', '/api/me', undefined, cookieHeaders(admin.token))).status, 'the admin\'s session is alive').toBe(200);
  // The victim owns the group the admin created for them; the admin is not a member.
  const group = await server.api(victim.token).get(`/api/chats/${groupId}`);
  expect(group.status, 'the group still exists').toBe(200);
  expect(group.body.chat.name).toBe('Original');
  expect((group.body.chat.members as { user: { id: string } }[]).map((m) => m.user.id)).toEqual([victim.user.id]);
}

describe('cross-origin writes with the admin\'s cookie', () => {
  const origins = [['a foreign origin', EVIL], ['null', 'null'], ['the same host on another port', 'http://127.0.0.1:1']] as const;

  for (const [originName, origin] of origins) {
    it.each(Object.keys(bodies) as (keyof typeof bodies)[])(`answer 403 from ${originName} with a %s body and change nothing`, async (kind) => {
      const make = bodies[kind];
      const attempts = [
        fromPage('POST', `/api/admin/users/${victim.user.id}/password`, { token: admin.token, origin, ...make({ password: 'attacker-chosen-1' }) }),
        fromPage('POST', `/api/admin/users/${victim.user.id}/password`, { token: admin.token, origin, type: make({}).type, body: '' }),
        fromPage('POST', '/api/auth/logout', { token: admin.token, origin, type: make({}).type, body: '' }),
        fromPage('PATCH', `/api/admin/groups/${groupId}`, { token: admin.token, origin, ...make({ name: 'Hijacked' }) }),
        fromPage('POST', `/api/admin/groups/${groupId}/members`, { token: admin.token, origin, ...make({ userIds: admin.user.id }) }),
        fromPage('DELETE', `/api/admin/groups/${groupId}/members/${victim.user.id}`, { token: admin.token, origin }),
        fromPage('DELETE', `/api/admin/groups/${groupId}`, { token: admin.token, origin }),
        fromPage('PATCH', `/api/admin/users/${victim.user.id}`, { token: admin.token, origin, ...make({ status: 'deactivated' }) }),
      ];
      for (const response of await Promise.all(attempts)) expect(response).toMatchObject({ status: 403, body: FORBIDDEN });
      await expectNothingChanged();
    });

    it(`answers 403 to multipart bodies from ${originName}, upload routes included`, async () => {
      for (const [method, path] of [
        ['POST', `/api/admin/users/${victim.user.id}/password`],
        ['PATCH', `/api/admin/groups/${groupId}`],
        ['POST', '/api/uploads'],
        ['PUT', '/api/me/avatar'],
      ] as const) {
        expect({ path, ...(await multipartFromPage(method, path, admin.token, origin)) }).toMatchObject({ path, status: 403, body: FORBIDDEN });
      }
      await expectNothingChanged();
    });
  }

  it('answers 403 without Origin when Sec-Fetch-Site or Referer says the page is elsewhere', async () => {
    const signals: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { referer: `${EVIL}/trap.html` }];
    for (const headers of signals) {
      const reset = await fromPage('POST', `/api/admin/users/${victim.user.id}/password`, { token: admin.token, type: 'application/json', body: '{}', headers });
      expect(reset).toMatchObject({ status: 403, body: FORBIDDEN });
    }
    await expectNothingChanged();
  });

  it('refuses a cross-origin login (login CSRF) without setting a cookie', async () => {
    const login = await new Api(server.url).post('/api/auth/login', { email: victim.user.email, password: 'victim-password-1' }, { origin: EVIL });
    expect(login).toMatchObject({ status: 403, body: FORBIDDEN });
    expect(login.headers.get('set-cookie')).toBeNull();
  });
});

describe('writes with a body must be JSON', () => {
  it('answers 415 to same-origin text/plain and form bodies, and to multipart outside the upload routes', async () => {
    for (const kind of Object.keys(bodies) as (keyof typeof bodies)[]) {
      const reset = await fromPage('POST', `/api/admin/users/${victim.user.id}/password`, { token: admin.token, origin: server.url, ...bodies[kind]({ password: 'attacker-chosen-1' }) });
      expect(reset).toMatchObject({ status: 415, body: UNSUPPORTED });
      // Without any browser signal (curl with a stolen-from-nowhere cookie jar): still JSON only.
      const rename = await fromPage('PATCH', `/api/admin/groups/${groupId}`, { token: admin.token, ...bodies[kind]({ name: 'Hijacked' }) });
      expect(rename).toMatchObject({ status: 415, body: UNSUPPORTED });
    }
    const multipart = await multipartFromPage('PATCH', `/api/admin/groups/${groupId}`, admin.token, server.url);
    expect(multipart).toMatchObject({ status: 415, body: UNSUPPORTED });
    // Bearer clients get the same rule.
    const bearer = await server.api(admin.token).request('PATCH', `/api/admin/groups/${groupId}`, 'name=Hijacked', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(bearer).toMatchObject({ status: 415, body: UNSUPPORTED });
    await expectNothingChanged();
  });

  it('lets a same-origin multipart request reach the upload routes', async () => {
    const upload = await multipartFromPage('POST', '/api/uploads', victim.token, server.url);
    expect([403, 415]).not.toContain(upload.status);
  });
});

describe('trusted writes still work', () => {
  it('accepts JSON from the server\'s own origin with the cookie, and from anywhere with a bearer token', async () => {
    const own = await fromPage('PATCH', `/api/admin/groups/${groupId}`, { token: admin.token, origin: server.url, type: 'application/json', body: JSON.stringify({ name: 'Renamed by the page' }) });
    expect(own.status).toBe(200);
    expect(own.body.group.name).toBe('Renamed by the page');
    const sameOrigin = await fromPage('PATCH', `/api/admin/groups/${groupId}`, { token: admin.token, type: 'application/json', body: JSON.stringify({ name: 'Renamed again' }), headers: { 'sec-fetch-site': 'same-origin' } });
    expect(sameOrigin.status).toBe(200);
    const bot = await server.api(admin.token).request('PATCH', `/api/admin/groups/${groupId}`, { name: 'Original' }, { origin: EVIL });
    expect(bot.status).toBe(200);
    expect(bot.body.group.name).toBe('Original');
    await expectNothingChanged();
  });

  it('logs out from the own origin: the cookie session ends', async () => {
    const session = await new Api(server.url).post('/api/auth/login', { email: victim.user.email, password: 'victim-password-1' }, { origin: server.url });
    expect(session.status).toBe(200);
    const token = session.body.token as string;
    const out = await fromPage('POST', '/api/auth/logout', { token, origin: server.url, type: 'application/json', body: '' });
    expect(out.status).toBe(204);
    expect((await new Api(server.url).request('GET', '/api/me', undefined, cookieHeaders(token))).status).toBe(401);
  });
});
