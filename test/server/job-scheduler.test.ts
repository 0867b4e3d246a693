import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../app/server/jobs/job-scheduler.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('background jobs', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs a job once at a time across replicas: the one holding the lock works, the other skips', async () => {
    const { knex, logger } = server.running.services;
    // A second scheduler on the same database stands for another replica (its own connection).
    const otherReplica = new JobScheduler(knex, logger);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const job = { name: 'test.lock', intervalMs: 3_600_000, run: async () => ({ runs: ++runs, ...(await gate, {}) }) };
    server.running.services.jobs.add(job);
    otherReplica.add(job);
    const first = server.running.services.jobs.runNow('test.lock');
    await expect.poll(() => runs).toBe(1);
    const second = await otherReplica.runNow('test.lock');
    expect(second.skipped).toBe(true);
    expect(otherReplica.lastRun('test.lock')).toBeUndefined();
    release();
    expect(await first).toMatchObject({ skipped: false, report: { runs: 1 } });
    expect(server.running.services.jobs.lastRun('test.lock')?.report).toEqual({ runs: 1 });
    // Once released, the other replica may run it.
    expect(await otherReplica.runNow('test.lock')).toMatchObject({ skipped: false, report: { runs: 2 } });
    await otherReplica.stop();
  });

  it('records a failing run and keeps the scheduler alive', async () => {
    const { jobs } = server.running.services;
    jobs.add({ name: 'test.failing', intervalMs: 3_600_000, run: async () => Promise.reject(new Error('boom')) });
    const run = await jobs.runNow('test.failing');
    expect(run.error).toBe('boom');
    await expect(jobs.runNow('missing')).rejects.toThrow('no job named missing');
  });
});
