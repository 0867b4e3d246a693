import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisKeys } from '../../app/server/realtime/redis-keys.ts';
import { Api } from '../support/api.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const ATTEMPTS = 5;
const PARALLEL = 40;

const login = (url: string, email: string, password: string) => new Api(url).post('/api/auth/login', { email, password });
const statusesOf = (responses: { status: number }[]) => responses.map((r) => r.status);
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('parallel wrong sign-ins on one replica', () => {
  const server = useTestServer({ env: { CHATFLOW_LOGIN_ATTEMPTS: String(ATTEMPTS) } });

  it(`answers at most ${ATTEMPTS} of ${PARALLEL} parallel guesses with 401 and the rest with 429`, async () => {
    const victim = await server.createUser({ name: 'Victim' });
    const responses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => login(server.url, victim.user.email, `wrong-${i}`)));
    const statuses = statusesOf(responses);
    expect(count(statuses, 401)).toBeGreaterThan(0);
    expect(count(statuses, 401)).toBeLessThanOrEqual(ATTEMPTS);
    expect(count(statuses, 401) + count(statuses, 429)).toBe(PARALLEL);
    for (const response of responses.filter((r) => r.status === 401)) {
      expect(response.body).toEqual({ error: { code: 'unauthorized', message: 'Wrong email or password.' } });
    }
    for (const response of responses.filter((r) => r.status === 429)) expect(response.body.error.code).toBe('rate_limited');
    // The right password does not get through a spent budget either.
    expect((await login(server.url, victim.user.email, victim.password)).status).toBe(429);
  });
});

describe('parallel wrong sign-ins spread over two replicas sharing Redis', () => {
  // A database index of its own per run keeps these counters apart from other runs on the server.
  const dbIndex = randomInt(1, 16);
  const url = new URL(inject('redisUrl'));
  url.pathname = `/${dbIndex}`;
  const env = { REDIS_URL: url.toString(), CHATFLOW_LOGIN_ATTEMPTS: String(ATTEMPTS) };
  const a = useTestServer({ env });
  let b: TestServer;
  let victimEmail = '';

  beforeAll(async () => {
    const { connectionString } = a.running.services.knex.client.config.connection as { connectionString: string };
    b = await startTestServer({ databaseUrl: connectionString, env });
  });

  afterAll(async () => {
    await b?.close();
    const redis = new Redis(url.toString());
    await redis.del(`${redisKeys(dbIndex).limit('login-account')}:${victimEmail}`);
    redis.disconnect();
  });

  it(`still answers at most ${ATTEMPTS} guesses with 401 in total`, async () => {
    const victim = await a.createUser({ name: 'Victim Two' });
    victimEmail = victim.user.email.toLowerCase();
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => login(i % 2 === 0 ? a.url : b.url, victim.user.email, `wrong-${i}`)),
    );
    const statuses = statusesOf(responses);
    expect(count(statuses, 401)).toBeGreaterThan(0);
    expect(count(statuses, 401)).toBeLessThanOrEqual(ATTEMPTS);
    expect(count(statuses, 401) + count(statuses, 429)).toBe(PARALLEL);
    // Each replica refused some: the budget is the shared one, not one per replica.
    expect(count(statuses.filter((_, i) => i % 2 === 0), 429)).toBeGreaterThan(0);
    expect(count(statuses.filter((_, i) => i % 2 === 1), 429)).toBeGreaterThan(0);
    expect((await login(b.url, victim.user.email, victim.password)).status).toBe(429);
  });
});

describe('sign-in timing', () => {
  // The default test limits are far above the attempts made here: nothing is refused with 429.
  const server = useTestServer();
  const SAMPLES = 30;

  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
  };
  const timed = async (email: string) => {
    const started = performance.now();
    const response = await login(server.url, email, 'not-the-password');
    const elapsed = performance.now() - started;
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: 'Wrong email or password.' } });
    return elapsed;
  };

  it('takes as long for an unknown or deactivated email as for a known one (medians within 20%)', async () => {
    const known = await server.createUser({ name: 'Known' });
    const gone = await server.createUser({ name: 'Gone' });
    expect((await server.api(server.admin.token).patch(`/api/admin/users/${gone.user.id}`, { status: 'deactivated' })).status).toBe(200);
    const emails = { known: known.user.email, unknown: 'nobody-here@example.test', deactivated: gone.user.email };
    for (const email of Object.values(emails)) await timed(email);
    const samples: Record<keyof typeof emails, number[]> = { known: [], unknown: [], deactivated: [] };
    // Interleaved, so a slow moment of the machine falls on all kinds alike.
    for (let i = 0; i < SAMPLES; i++) {
      for (const kind of Object.keys(emails) as (keyof typeof emails)[]) samples[kind].push(await timed(emails[kind]));
    }
    const knownMedian = median(samples.known);
    for (const other of [median(samples.unknown), median(samples.deactivated)]) {
      expect(Math.abs(other - knownMedian) / Math.max(other, knownMedian)).toBeLessThanOrEqual(0.2);
    }
  }, 120_000);
});
