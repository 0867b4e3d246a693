import { Redis } from 'ioredis';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A Redis server for the suites that run Socket.IO fan-out and presence across replicas. */
    redisUrl: string;
  }
}

const LOCAL_REDIS = 'redis://127.0.0.1:6379';

async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * TEST_REDIS_URL if set; else a testcontainers Redis where a container runtime exists; else the
 * local server that .ci/run starts. No Redis fails the run.
 */
export async function findRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  let url = process.env.TEST_REDIS_URL;
  let stop = async () => undefined;
  if (!url) {
    try {
      const { GenericContainer, getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
      url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
      stop = async () => {
        await container.stop();
      };
    } catch {
      url = LOCAL_REDIS;
    }
  }
  if (!(await answersPing(url))) {
    await stop();
    throw new Error(`Redis is not reachable at ${url}: start it (bash .ci/run does) or set TEST_REDIS_URL.`);
  }
  return { url, stop };
}
