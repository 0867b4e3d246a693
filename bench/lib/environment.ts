import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { startKraftBroker, type KraftBroker } from '../../test/support/kafka-broker.ts';

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface FreshDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the bench's PostgreSQL, dropped after its scenario. */
export async function freshDatabase(purpose: string): Promise<FreshDatabase> {
  const name = `chatflow_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

let broker: Promise<KraftBroker> | undefined;

/** One Apache Kafka broker for the whole run, started on first use; each scenario uses its own topic. */
export function kafka(): Promise<KraftBroker> {
  broker ??= startKraftBroker();
  return broker;
}

export async function stopKafka(): Promise<void> {
  if (!broker) return;
  const started = broker;
  broker = undefined;
  await (await started.catch(() => undefined))?.stop();
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  kafka: string;
  platform: string;
}

export async function describeMachine(): Promise<Machine> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await client.end();
  let redis = 'unknown';
  try {
    redis = execFileSync('redis-cli', ['-u', REDIS_URL, 'info', 'server'], { encoding: 'utf8', timeout: 5000 }).match(/redis_version:(\S+)/)?.[1] ?? 'unknown';
  } catch {
    // redis-cli missing: the version is only informative.
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: version,
    redis,
    kafka: 'Apache Kafka 3.9.1 (KRaft, single node)',
    platform: `${os.type()} ${os.release()}`,
  };
}
