import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('background jobs', () => {
  let server: TestServer;
  let replica: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    const databaseUrl = server.running.services.config.databaseUrl;
    replica = databaseUrl ? await startTestServer({ databaseUrl }) : server;
  });
  afterAll(async () => {
    if (replica !== server) await replica.close();
    await server.close();
  });

  it('runs a job once at a time across replicas: the one holding the lock works, the other skips', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const job = { name: 'test.lock', intervalMs: 3_600_000, run: async () => ({ runs: ++runs, ...(await gate, {}) }) };
    server.running.services.jobs.add(job);
    if (replica !== server) replica.running.services.jobs.add(job);
    const first = server.running.services.jobs.runNow('test.lock');
    await expect.poll(() => runs).toBe(1);
    const second = await replica.running.services.jobs.runNow('test.lock');
    if (replica !== server) expect(second.skipped).toBe(true);
    release();
    const done = await first;
    expect(done).toMatchObject({ skipped: false, report: { runs: 1 } });
    expect(server.running.services.jobs.lastRun('test.lock')?.report).toEqual({ runs: 1 });
  });

  it('records a failing run and keeps the scheduler alive', async () => {
    const { jobs } = server.running.services;
    jobs.add({ name: 'test.failing', intervalMs: 3_600_000, run: async () => Promise.reject(new Error('boom')) });
    const run = await jobs.runNow('test.failing');
    expect(run.error).toBe('boom');
    await expect(jobs.runNow('missing')).rejects.toThrow('no job named missing');
  });
});
