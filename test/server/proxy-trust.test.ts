import { describe, expect, it } from 'vitest';
import { Api } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';

// Behind one proxy, only the entry that proxy appended to X-Forwarded-For (the rightmost) is the
// client's address; whatever the client wrote to the left of it is its own invention.

const REAL_CLIENT = '203.0.113.7';
const forwardedFor = (forged: string, real = REAL_CLIENT) => ({ 'x-forwarded-for': `${forged}, ${real}` });

describe('with CHATFLOW_TRUST_PROXY and one hop', () => {
  const server = useTestServer({ env: { CHATFLOW_TRUST_PROXY: 'true', CHATFLOW_TRUST_PROXY_HOPS: '1', CHATFLOW_LOGIN_ATTEMPTS: '2' } });
  const wrongLogin = (i: number, headers: Record<string, string>) =>
    new Api(server.url).post('/api/auth/login', { email: `nobody${i}@example.test`, password: 'wrong-password' }, headers);

  it('a forged leftmost X-Forwarded-For does not reset the per-address login limit', async () => {
    let limitedAfter = -1;
    // Each attempt names another account and forges another address: only the real one is counted.
    for (let i = 0; i < 200 && limitedAfter < 0; i++) {
      const response = await wrongLogin(i, forwardedFor(`198.51.100.${i % 250}`));
      expect([401, 429]).toContain(response.status);
      if (response.status === 429) limitedAfter = i;
    }
    expect(limitedAfter, 'the real address was limited').toBeGreaterThan(0);
    expect((await wrongLogin(1000, forwardedFor('192.0.2.1'))).status).toBe(429);
    expect((await wrongLogin(1001, { 'x-forwarded-for': '192.0.2.2, 192.0.2.3, ' + REAL_CLIENT })).status).toBe(429);
    // Another real client behind the same proxy is not held by it.
    expect((await wrongLogin(1002, forwardedFor(REAL_CLIENT, '203.0.113.8'))).status).toBe(401);
  });

  it('records the address the proxy saw in the audit log, never the forged one', async () => {
    const created = await server.api(server.admin.token).post('/api/admin/users', { email: 'audited@example.test', name: 'Audited', password: 'password-123' }, forwardedFor('6.6.6.6', '203.0.113.9'));
    expect(created.status).toBe(201);
    const audit = await server.api(server.admin.token).get('/api/admin/audit?action=user.create&limit=200');
    expect(audit.status).toBe(200);
    const entries = audit.body.entries as { targetId: string; ip: string | null }[];
    expect(entries.find((e) => e.targetId === created.body.user.id)?.ip).toBe('203.0.113.9');
    expect(JSON.stringify(audit.body)).not.toContain('6.6.6.6');
  });
});

describe('with CHATFLOW_TRUST_PROXY and two hops', () => {
  const server = useTestServer({ env: { CHATFLOW_TRUST_PROXY: 'true', CHATFLOW_TRUST_PROXY_HOPS: '2' } });

  it('takes the address the outer proxy appended', async () => {
    const created = await server.api(server.admin.token).post('/api/admin/users', { email: 'two-hops@example.test', name: 'Two hops', password: 'password-123' }, { 'x-forwarded-for': '6.6.6.6, 203.0.113.10, 10.0.0.2' });
    expect(created.status).toBe(201);
    const audit = await server.api(server.admin.token).get('/api/admin/audit?action=user.create&limit=200');
    const entries = audit.body.entries as { targetId: string; ip: string | null }[];
    expect(entries.find((e) => e.targetId === created.body.user.id)?.ip).toBe('203.0.113.10');
  });
});
