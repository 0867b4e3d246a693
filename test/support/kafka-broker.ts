import { spawn } from 'node:child_process';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap brokers for the suites that run the message log on Kafka. */
    kafkaBrokers: string;
  }
}

export interface KafkaBroker {
  brokers: string;
  stop(): Promise<void>;
}

const MOCK_START_TIMEOUT_MS = 10_000;

/** librdkafka's mock cluster, served by kcat while it runs; it prints its ports on stderr. */
function startKcatMock(): Promise<KafkaBroker> {
  const child = spawn('kcat', ['-X', 'test.mock.num.brokers=3', '-b', 'localhost:1', '-C', '-t', 'keepalive'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  // If vitest dies without running the teardown, the mock must not outlive it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`kcat's mock Kafka cluster did not report its ports: ${stderr.trim()}`));
    }, MOCK_START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`kcat could not start (apt-get install -y kcat; bash .ci/run does): ${error.message}`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /replaced with (\S+)/.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      resolve({
        brokers: match[1]!,
        stop: async () => {
          process.off('exit', killOnExit);
          await stop();
        },
      });
    });
  });
}

/**
 * The Kafka the suites use: KAFKA_TEST_BROKERS if set; else a testcontainers Kafka where a
 * container runtime exists; else kcat's mock cluster. No broker throws: a missing service fails
 * the run, never skips it.
 */
export async function findKafka(): Promise<KafkaBroker> {
  // vitest runs the global setup once per project, each in its own module instance but one process:
  // the broker is shared through globalThis, started by the first and stopped by the last.
  const holder = globalThis as typeof globalThis & { chatflowTestKafka?: SharedBroker };
  const shared = (holder.chatflowTestKafka ??= { broker: locateKafka(), users: 0 });
  shared.users += 1;
  const broker = await shared.broker.catch((error: unknown) => {
    if (--shared.users === 0) delete holder.chatflowTestKafka;
    throw error;
  });
  let released = false;
  return {
    brokers: broker.brokers,
    stop: async () => {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      delete holder.chatflowTestKafka;
      await broker.stop();
    },
  };
}

interface SharedBroker {
  broker: Promise<KafkaBroker>;
  users: number;
}

async function locateKafka(): Promise<KafkaBroker> {
  const fromEnv = process.env.KAFKA_TEST_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv, stop: async () => undefined };
  let runtime = false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    runtime = true;
  } catch {
    // No container runtime: the local mock below.
  }
  if (runtime) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
    return { brokers: `${container.getHost()}:${container.getMappedPort(9093)}`, stop: () => container.stop().then(() => undefined) };
  }
  return startKcatMock();
}
