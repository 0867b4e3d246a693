import { afterAll, describe, expect, inject, it } from 'vitest';
import { useTestServer, type ServerFixture } from '../support/server-fixture.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const invalid = (message: string) => ({ error: { code: 'invalid_input', message } });
const FORBIDDEN = (message: string) => ({ error: { code: 'forbidden', message } });

async function auditEntries(server: ServerFixture, query: string) {
  const page = await server.api(server.admin.token).get(`/api/admin/audit?limit=200&${query}`);
  expect(page.status).toBe(200);
  return page.body.entries as { action: string; actor: { id: string } | null; targetId: string | null; details: Record<string, unknown>; createdAt: string }[];
}

describe('CSV import', () => {
  const server = useTestServer();

  it('refuses a malformed request and files it cannot read, writing nothing', async () => {
    const admin = server.api(server.admin.token);
    const cases: [unknown, string][] = [
      [{ csv: 'a@example.test,A,user' }, 'dryRun: Invalid input: expected boolean, received undefined'],
      [{ csv: '', dryRun: true }, 'csv: must not be empty'],
      [{ csv: 'email,name,role\n', dryRun: true }, 'csv: no rows to import'],
      [{ csv: 'a@example.test,"unclosed', dryRun: true }, expect.stringMatching(/^csv: /) as unknown as string],
      [{ csv: Array.from({ length: 1001 }, (_, i) => `p${i}@example.test,P,user`).join('\n'), dryRun: true }, 'csv: at most 1000 rows at a time'],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post('/api/admin/users/import', body as Record<string, unknown>);
      expect([res.status, res.body.error?.message]).toEqual([400, message]);
    }
  });

  it('plans create, skip and refuse per line in a dry run, then imports the plan in one go', async () => {
    const existing = await server.createUser({ name: 'Existing' });
    const csv = [
      'email,name,role',
      'new.one@example.test,New One,user',
      'New.Two@Example.test,New Two,ADMIN',
      `${existing.user.email.toUpperCase()},Existing Again,user`,
      'bad-email,Bad,user',
      'no.name@example.test,,user',
      'bad.role@example.test,Bad Role,owner',
      'new.one@example.test,Twice,user',
      'empty.role@example.test,Empty Role,',
    ].join('\n');
    const admin = server.api(server.admin.token);
    const dry = await admin.post('/api/admin/users/import', { csv, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toEqual({ create: 3, skip: 1, refuse: 4 });
    expect(dry.body.rows).toEqual([
      { line: 2, outcome: 'create', email: 'new.one@example.test', name: 'New One', role: 'user' },
      { line: 3, outcome: 'create', email: 'New.Two@Example.test', name: 'New Two', role: 'admin' },
      { line: 4, outcome: 'skip', email: existing.user.email.toUpperCase(), reason: 'an account with that email already exists' },
      { line: 5, outcome: 'refuse', email: 'bad-email', reason: 'not a valid email address' },
      { line: 6, outcome: 'refuse', email: 'no.name@example.test', reason: 'name: must not be empty' },
      { line: 7, outcome: 'refuse', email: 'bad.role@example.test', reason: 'role: must be "user" or "admin"' },
      { line: 8, outcome: 'refuse', email: 'new.one@example.test', reason: 'same email as line 2' },
      { line: 9, outcome: 'create', email: 'empty.role@example.test', name: 'Empty Role', role: 'user' },
    ]);
    expect((await admin.get('/api/admin/users?query=new.one')).body.users).toEqual([]);

    const real = await admin.post('/api/admin/users/import', { csv, dryRun: false });
    expect(real.status).toBe(200);
    expect(real.body.summary).toEqual({ create: 3, skip: 1, refuse: 4 });
    const created = (real.body.rows as { outcome: string; email: string; password?: string }[]).filter((r) => r.outcome === 'create');
    for (const row of created) {
      const login = await server.api().post('/api/auth/login', { email: row.email, password: row.password });
      expect([row.email, login.status]).toEqual([row.email, 200]);
    }
    const two = (await admin.get('/api/admin/users?query=new.two')).body.users[0];
    // Each just signed in, which counts as being seen.
    await expect.poll(async () => (await admin.get('/api/admin/users?query=new.two')).body.users[0].lastSeenAt).not.toBeNull();
    expect(two).toMatchObject({ role: 'admin', status: 'active', createdAt: expect.any(String) });
    const audited = await auditEntries(server, 'action=user.create');
    expect(audited.filter((e) => e.details.via === 'import').map((e) => e.details.email).sort()).toEqual(['New.Two@Example.test', 'empty.role@example.test', 'new.one@example.test']);
    // Importing the same file again creates nobody.
    expect((await admin.post('/api/admin/users/import', { csv, dryRun: false })).body.summary).toEqual({ create: 0, skip: 4, refuse: 4 });
  });
});

describe('people', () => {
  const server = useTestServer();

  it('records when a person was last seen, at most once a minute', async () => {
    const alice = await server.createUser({ name: 'Seen' });
    expect((await server.api(alice.token).get('/api/me')).status).toBe(200);
    await expect.poll(async () => (await server.api(server.admin.token).get('/api/admin/users?query=Seen')).body.users[0].lastSeenAt, { timeout: 5000 }).not.toBeNull();
    const { knex } = server.running.services;
    const first = ((await knex('users').where({ id: alice.user.id }).first('lastSeenAt')) as { lastSeenAt: Date }).lastSeenAt;
    expect((await server.api(alice.token).get('/api/me')).status).toBe(200);
    const second = ((await knex('users').where({ id: alice.user.id }).first('lastSeenAt')) as { lastSeenAt: Date }).lastSeenAt;
    expect(second.getTime()).toBe(first.getTime());
  });

  it('never leaves the organisation without an active admin, even when two admins demote each other at once', async () => {
    const other = await server.createUser({ name: 'Other Admin', role: 'admin' });
    const me = server.admin;
    // Both requests are authorized (both are admins) and race for the same admin rows.
    const [mine, theirs] = await Promise.all([
      server.api(me.token).patch(`/api/admin/users/${other.user.id}`, { role: 'user' }),
      server.api(other.token).patch(`/api/admin/users/${me.user.id}`, { role: 'user' }),
    ]);
    const statuses = [mine.status, theirs.status].sort();
    expect(statuses).toEqual([200, 409]);
    const refused = mine.status === 409 ? mine : theirs;
    expect(refused.body).toEqual({ error: { code: 'last_admin', message: 'This is the last active admin: make someone else an admin first.' } });
    const admins = (await server.api(mine.status === 200 ? me.token : other.token).get('/api/admin/users?limit=200')).body.users.filter((u: { role: string }) => u.role === 'admin');
    expect(admins).toHaveLength(1);
  });
});

describe('registration', () => {
  const server = useTestServer();
  const signup = (body: Record<string, unknown>) => server.api().post('/api/auth/signup', body);
  const setRegistration = (patch: Record<string, unknown>) => server.api(server.admin.token).patch('/api/admin/settings', patch);

  it('is closed by default, and checks its input', async () => {
    expect((await server.api().get('/api/auth/registration')).body).toEqual({ mode: 'closed', domain: null });
    const closed = await signup({ email: 'x@example.test', name: 'X', password: 'long-enough' });
    expect([closed.status, closed.body]).toEqual([403, FORBIDDEN('Sign-up is closed: ask an admin for an account.')]);
    expect((await signup({ email: 'x@example.test', name: 'X', password: 'short' })).body).toEqual(invalid('password: at least 8 characters'));
    expect((await signup({ email: 'x@example.test', name: 'X', password: 'long-enough', role: 'admin' })).body).toEqual(invalid('Unrecognized key: "role"'));
    expect((await setRegistration({ registration: 'domain' })).body).toEqual(invalid('registrationDomain: needed when registration is "domain"'));
    expect((await setRegistration({ registration: 'domain', registrationDomain: 'not a domain' })).body).toEqual(invalid('registrationDomain: must be a domain such as "example.com"'));
  });

  it('lets in only addresses at the open domain', async () => {
    expect((await setRegistration({ registration: 'domain', registrationDomain: 'Team.Example' })).status).toBe(200);
    expect((await server.api().get('/api/auth/registration')).body).toEqual({ mode: 'domain', domain: 'team.example' });
    const elsewhere = await signup({ email: 'eve@elsewhere.example', name: 'Eve', password: 'long-enough' });
    expect([elsewhere.status, elsewhere.body]).toEqual([403, FORBIDDEN('Sign-up is open to @team.example addresses only.')]);
    const joined = await signup({ email: 'dora@team.example', name: 'Dora', password: 'long-enough' });
    expect(joined.status).toBe(201);
    expect(joined.body.user).toMatchObject({ email: 'dora@team.example', name: 'Dora', role: 'user', status: 'active' });
    expect((await server.api(joined.body.token).get('/api/me')).body.user.email).toBe('dora@team.example');
    const again = await signup({ email: 'DORA@team.example', name: 'Dora 2', password: 'long-enough' });
    expect([again.status, again.body.error.code]).toEqual([409, 'email_taken']);
    const [entry] = await auditEntries(server, 'action=user.signup');
    expect(entry).toMatchObject({ actor: { id: joined.body.user.id }, targetId: joined.body.user.id, details: { via: 'domain' } });
  });

  it('by invite: each link has its number of uses and its expiry, and can be revoked', async () => {
    expect((await setRegistration({ registration: 'invite' })).status).toBe(200);
    const admin = server.api(server.admin.token);
    expect((await admin.post('/api/admin/invites', { expiresInDays: 0, maxUses: 1 })).body).toEqual(invalid('expiresInDays: at least 1'));
    const created = await admin.post('/api/admin/invites', { expiresInDays: 7, maxUses: 1 });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe(`${server.url}/?invite=${created.body.token}`);
    const token = created.body.token as string;

    const without = await signup({ email: 'ivan@example.test', name: 'Ivan', password: 'long-enough' });
    expect([without.status, without.body]).toEqual([403, FORBIDDEN('Sign-up needs an invite link from an admin.')]);
    const wrong = await signup({ email: 'ivan@example.test', name: 'Ivan', password: 'long-enough', invite: 'guessed' });
    expect([wrong.status, wrong.body]).toEqual([403, FORBIDDEN('This invite link is not valid any more: ask an admin for a new one.')]);
    expect((await signup({ email: 'ivan@example.test', name: 'Ivan', password: 'long-enough', invite: token })).status).toBe(201);
    const usedUp = await signup({ email: 'jo@example.test', name: 'Jo', password: 'long-enough', invite: token });
    expect(usedUp.status).toBe(403);

    const expiring = (await admin.post('/api/admin/invites', { expiresInDays: 1, maxUses: 5 })).body;
    await server.running.services.knex('invites').where({ id: expiring.invite.id }).update({ expiresAt: new Date(Date.now() - 1000) });
    expect((await signup({ email: 'jo@example.test', name: 'Jo', password: 'long-enough', invite: expiring.token })).status).toBe(403);

    const revoked = (await admin.post('/api/admin/invites', { expiresInDays: 1, maxUses: 5 })).body;
    expect((await admin.delete(`/api/admin/invites/${revoked.invite.id}`)).status).toBe(204);
    expect((await admin.delete(`/api/admin/invites/${revoked.invite.id}`)).status).toBe(404);
    expect((await signup({ email: 'jo@example.test', name: 'Jo', password: 'long-enough', invite: revoked.token })).status).toBe(403);

    const listed = (await admin.get('/api/admin/invites')).body.invites as { id: string; uses: number; revokedAt: string | null }[];
    expect(listed.find((i) => i.id === created.body.invite.id)).toMatchObject({ uses: 1, maxUses: 1, revokedAt: null });
    expect(listed.find((i) => i.id === revoked.invite.id)?.revokedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await auditEntries(server, 'action=invite.revoke'))[0]).toMatchObject({ actor: { id: server.admin.user.id }, targetId: revoked.invite.id });
  });

  it('signs new sessions in for the session lifetime set by an admin', async () => {
    expect((await setRegistration({ sessionDays: 0 })).body).toEqual(invalid('sessionDays: at least 1'));
    expect((await setRegistration({ sessionDays: 2 })).status).toBe(200);
    const user = await server.createUser();
    const session = (await server.running.services.knex('sessions').where({ userId: user.user.id }).orderBy('createdAt', 'desc').first('expiresAt', 'createdAt')) as { expiresAt: Date; createdAt: Date };
    const days = (session.expiresAt.getTime() - session.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(2, 1);
  });
});

describe('sign-up rate limit', () => {
  const server = useTestServer({ env: { CHATFLOW_LOGIN_ATTEMPTS: '2' } });

  it('slows down repeated sign-up attempts from one address, on its sign-in budget', async () => {
    const attempt = () => server.api().post('/api/auth/signup', { email: 'x@example.test', name: 'X', password: 'long-enough' });
    // CHATFLOW_LOGIN_ATTEMPTS 2 gives an address ten attempts per 15 minutes.
    for (let i = 0; i < 10; i += 1) expect((await attempt()).status).toBe(403);
    const limited = await attempt();
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
  });
});

describe('groups, audit filters and CSV', () => {
  const server = useTestServer();

  it('changes a group owner, shows the detail, and audits owners changing their own groups', async () => {
    const [owner, member] = [await server.createUser({ name: 'Owner' }), await server.createUser({ name: 'Member' })];
    const created = await server.api(owner.token).post('/api/chats/groups', { name: 'Own group', memberIds: [member.user.id] });
    const chatId = created.body.chat.id as string;
    expect((await server.api(owner.token).patch(`/api/chats/${chatId}`, { name: 'Renamed by owner' })).status).toBe(200);
    const [rename] = await auditEntries(server, `action=group.rename&targetId=${chatId}`);
    expect(rename).toMatchObject({ actor: { id: owner.user.id }, details: { name: 'Renamed by owner' } });
    const ownerFilter = await auditEntries(server, `actorId=${owner.user.id}`);
    expect(ownerFilter.map((e) => e.action)).toEqual(['group.rename']);

    const admin = server.api(server.admin.token);
    const outsider = await server.createUser();
    expect((await admin.patch(`/api/admin/groups/${chatId}`, { ownerId: outsider.user.id })).status).toBe(404);
    const changed = await admin.patch(`/api/admin/groups/${chatId}`, { ownerId: member.user.id });
    expect(changed.body.group.owner).toEqual({ id: member.user.id, name: 'Member' });
    const detail = await admin.get(`/api/admin/groups/${chatId}`);
    expect(detail.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([['Member', 'owner'], ['Owner', 'member']]);
    expect(detail.body.messageCount).toBe(0);
    expect((await auditEntries(server, 'action=group.owner'))[0]).toMatchObject({ actor: { id: server.admin.user.id }, targetId: chatId, details: { ownerId: member.user.id } });
  });

  it('filters by date range and exports the same entries as CSV', async () => {
    const admin = server.api(server.admin.token);
    expect((await admin.get('/api/admin/audit?from=yesterday')).body).toEqual(invalid('from: must be a date such as 2026-12-01'));
    const { knex } = server.running.services;
    await knex('auditLog').insert({ actorId: server.admin.user.id, action: 'old.thing', details: JSON.stringify({ note: '=HYPERLINK("x")' }), createdAt: new Date('2020-01-15T10:00:00Z') });
    const inRange = await auditEntries(server, 'from=2020-01-15&to=2020-01-15');
    expect(inRange.map((e) => e.action)).toEqual(['old.thing']);
    expect(await auditEntries(server, 'from=2020-01-16&to=2020-01-31')).toEqual([]);
    expect((await auditEntries(server, 'to=2020-01-14'))).toEqual([]);

    const csv = await admin.get('/api/admin/audit.csv?from=2020-01-01&to=2020-12-31');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines[0]).toBe('id,createdAt,actorId,actorName,action,targetType,targetId,details,ip');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('2020-01-15T10:00:00.000Z');
    expect(lines[1]).toContain('old.thing');
    expect((await admin.get('/api/admin/audit/actions')).body.actions).toContain('old.thing');
    // Whole export: every entry, in batches.
    const all = await admin.get('/api/admin/audit.csv');
    const count = Number(((await knex('auditLog').count<{ count: string }[]>('* as count'))[0]!).count);
    expect((all.body as string).trim().split('\n')).toHaveLength(count + 1);
  });

  it('serves the console page with its own script policy, and vendored modules only under their version', async () => {
    const chat = await fetch(`${server.url}/`);
    const consolePage = await fetch(`${server.url}/admin/people`);
    expect(consolePage.status).toBe(200);
    const html = await consolePage.text();
    expect(html).toContain('Chat-Flow admin');
    const scriptSrc = (response: Response) => (response.headers.get('content-security-policy') ?? '').split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc(consolePage)).toMatch(/'self' 'sha256-[A-Za-z0-9+/=]+'$/);
    expect(scriptSrc(consolePage)).not.toEqual(scriptSrc(chat));
    expect((await fetch(`${server.url}/admin/src/main.js`)).headers.get('content-type')).toContain('javascript');
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!) as { imports: Record<string, string> };
    for (const [name, url] of Object.entries(map.imports)) {
      expect([name, (await fetch(`${server.url}${url}`)).status]).toEqual([name, 200]);
    }
    expect((await fetch(`${server.url}/vendor/preact/dist/preact.mjs`)).status).toBe(404);
    expect((await fetch(`${server.url}/vendor/preact@10.0.0/dist/preact.mjs`)).status).toBe(404);
    const versioned = await fetch(`${server.url}${map.imports.uplot}`);
    expect(versioned.headers.get('cache-control')).toContain('immutable');
  });
});

describe('settings on several replicas', () => {
  const redisUrl = inject('redisUrl');
  const server = useTestServer({ env: { REDIS_URL: redisUrl } });
  let replica: TestServer | undefined;

  afterAll(async () => {
    await replica?.close();
  });

  it('a change on one replica reaches the others at once, without waiting for their caches', async () => {
    const { connectionString } = server.running.services.knex.client.config.connection as { connectionString: string };
    replica = await startTestServer({ databaseUrl: connectionString, env: { REDIS_URL: redisUrl } });
    expect((await replica.running.services.settings.get()).retentionDays).toBeNull();
    expect((await server.api(server.admin.token).patch('/api/admin/settings', { retentionDays: 9 })).status).toBe(200);
    // Well inside the 5 s cache lifetime: only the announcement can make this pass.
    await expect.poll(async () => (await replica!.running.services.settings.get()).retentionDays, { timeout: 2000, interval: 50 }).toBe(9);
  });
});
