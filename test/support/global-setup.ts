import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findKafka } from './kafka-broker.ts';
import { findRedis } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL with the right to create databases; each test server gets its own. */
    adminDatabaseUrl: string;
  }
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Finds the PostgreSQL the suites use: TEST_DATABASE_URL if set; else a testcontainers PostgreSQL
 * where a container runtime exists; else the local server that .ci/run starts. No database means
 * a failed run, never a skipped one.
 */
export default async function setup(project: TestProject) {
  let stop: (() => Promise<unknown>) | undefined;
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      url = container.getConnectionUri();
      stop = () => container.stop();
    } catch {
      url = LOCAL_POSTGRES;
    }
  }
  if (!(await reachable(url))) {
    throw new Error(`PostgreSQL is not reachable at ${url}: start it (bash .ci/run does) or set TEST_DATABASE_URL.`);
  }
  project.provide('adminDatabaseUrl', url);
  // Kafka after PostgreSQL, so that a failed database check leaves no broker running.
  const kafka = await findKafka().catch(async (error: unknown) => {
    await stop?.();
    throw error;
  });
  project.provide('kafkaBrokers', kafka.brokers);
  project.provide('kafkaKind', kafka.kind);
  const redis = await findRedis().catch(async (error: unknown) => {
    await kafka.stop();
    await stop?.();
    throw error;
  });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    await kafka.stop();
    await stop?.();
  };
}
