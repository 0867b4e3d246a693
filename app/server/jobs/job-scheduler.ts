import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';

/** What one run of a background job reports (shown to admins, logged). */
export type JobReport = Record<string, number | string | boolean>;

export interface Job {
  /** Stable name: also the key of the job's PostgreSQL advisory lock. */
  name: string;
  intervalMs: number;
  run(): Promise<JobReport | void>;
}

export interface JobRun {
  name: string;
  startedAt: Date;
  finishedAt: Date;
  /** True when another replica held the job's lock, so this one did nothing. */
  skipped: boolean;
  report?: JobReport;
  error?: string;
}

// The first argument of the two-key advisory lock: Chat-Flow's jobs, apart from the migration lock.
const JOB_LOCK_CLASS = 0x43464a42;

/** A 32-bit key per job name (FNV-1a), so a job's lock is the same on every replica. */
function lockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * Runs background jobs (orphan uploads, retention, session cleanup) on an interval. Each run holds
 * the job's advisory lock inside a transaction, so across replicas one runs it at a time and a
 * crashed runner releases the lock with its connection.
 */
export class JobScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<JobRun>>();
  private readonly lastRuns = new Map<string, JobRun>();
  private stopped = false;

  constructor(
    private readonly knex: Knex,
    private readonly logger: Logger,
  ) {}

  add(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} is already scheduled`);
    this.jobs.set(job.name, job);
  }

  /** Starts every job's timer; the first run comes one interval after start. */
  start(): void {
    for (const job of this.jobs.values()) this.schedule(job);
  }

  /** Runs a job now (tests, the admin console), or joins the run in progress. */
  runNow(name: string): Promise<JobRun> {
    const job = this.jobs.get(name);
    if (!job) return Promise.reject(new Error(`no job named ${name}`));
    let run = this.running.get(name);
    if (!run) {
      run = this.execute(job).finally(() => this.running.delete(name));
      this.running.set(name, run);
    }
    return run;
  }

  /** The last finished run of each job on this replica. */
  lastRun(name: string): JobRun | undefined {
    return this.lastRuns.get(name);
  }

  /** Stops the timers and waits for runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled(this.running.values());
  }

  private schedule(job: Job) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      void this.runNow(job.name).finally(() => this.schedule(job));
    }, job.intervalMs);
    timer.unref();
    this.timers.set(job.name, timer);
  }

  private async execute(job: Job): Promise<JobRun> {
    const startedAt = new Date();
    let run: JobRun;
    try {
      const outcome = await this.knex.transaction(async (trx) => {
        const { rows } = (await trx.raw('SELECT pg_try_advisory_xact_lock(?, ?) AS locked', [JOB_LOCK_CLASS, lockKey(job.name)])) as {
          rows: { locked: boolean }[];
        };
        if (!rows[0]?.locked) return { skipped: true as const };
        return { skipped: false as const, report: (await job.run()) ?? undefined };
      });
      run = { name: job.name, startedAt, finishedAt: new Date(), ...outcome };
      if (!outcome.skipped) this.logger.info({ job: job.name, ...outcome.report }, 'job ran');
    } catch (error) {
      this.logger.error({ err: error, job: job.name }, 'job failed; it runs again at its next interval');
      run = { name: job.name, startedAt, finishedAt: new Date(), skipped: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (!run.skipped) this.lastRuns.set(job.name, run);
    return run;
  }
}
