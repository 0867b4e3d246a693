import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated Kafka bootstrap brokers for the suites that run the message log on Kafka. */
    kafkaBrokers: string;
    /** Which broker that is: the mock refuses idempotent producers and CreateTopics. */
    kafkaKind: KafkaBroker['kind'];
  }
}

export interface KafkaBroker {
  brokers: string;
  /** 'kraft': Apache Kafka's own broker; 'container': testcontainers; 'mock': kcat's mock cluster. */
  kind: 'kraft' | 'container' | 'mock' | 'external';
  stop(): Promise<void>;
}

const KAFKA_VERSION = '3.9.1';
const POM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kafka', 'pom.xml');
const BROKER_START_TIMEOUT_MS = 60_000;

/** Where the broker's jars are cached: CHATFLOW_KAFKA_HOME, else the user's cache folder. */
export function kafkaHome(): string {
  return process.env.CHATFLOW_KAFKA_HOME ?? path.join(os.homedir(), '.cache', 'chatflow', `kafka-${KAFKA_VERSION}`);
}

/** Copies Apache Kafka's jars from Maven Central into the cache once; later runs reuse them. */
async function kafkaJars(): Promise<string> {
  const libs = path.join(kafkaHome(), 'libs');
  if (existsSync(libs) && readdirSync(libs).some((name) => name.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) return libs;
  await mkdir(kafkaHome(), { recursive: true });
  await promisify(execFile)('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], {
    timeout: 300_000,
  });
  return libs;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface KraftBroker extends KafkaBroker {
  port: number;
  /** Kills the broker process (SIGKILL): the suite's Kafka-outage test. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data, after kill(). */
  restart(): Promise<void>;
}

/**
 * A real single-node Apache Kafka (KRaft: broker and controller in one JVM) run from the Maven
 * jars, with group timings short enough for tests. Each call starts its own broker on free ports
 * with its own data folder, removed on stop.
 */
export async function startKraftBroker(): Promise<KraftBroker> {
  const libs = await kafkaJars();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chatflow-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = path.join(dir, 'server.properties');
  await writeFile(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${path.join(dir, 'data')}`,
      'num.partitions=4',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=4',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      // Tests join and leave groups all the time: no initial delay, short session bounds.
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=1000',
      'auto.create.topics.enable=true',
      '',
    ].join('\n'),
  );
  const classpath = `${libs}/*`;
  const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
  await promisify(execFile)('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], { timeout: 60_000 });

  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const launch = async () => {
    child = spawn('java', ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-cp', classpath, 'kafka.Kafka', properties], { stdio: 'ignore' });
    const started = child;
    const deadline = Date.now() + BROKER_START_TIMEOUT_MS;
    while (!(await portOpen(port))) {
      if (started.exitCode !== null) throw new Error(`the Kafka broker exited with code ${started.exitCode} while starting`);
      if (Date.now() > deadline) throw new Error(`the Kafka broker did not listen on ${port} within ${BROKER_START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const halt = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  try {
    await launch();
  } catch (error) {
    await halt('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    brokers: `127.0.0.1:${port}`,
    kind: 'kraft',
    port,
    kill: () => halt('SIGKILL'),
    restart: launch,
    stop: async () => {
      process.off('exit', killOnExit);
      await halt('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
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
        kind: 'mock',
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
 * container runtime exists; else Apache Kafka's broker from the Maven jars. kcat's mock cluster is
 * only a fallback for a machine that reaches no Maven repository, and never in CI (CI=true). No
 * broker throws: a missing service fails the run, never skips it.
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
    kind: broker.kind,
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
  if (fromEnv) return { brokers: fromEnv, kind: 'external', stop: async () => undefined };
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
    return { brokers: `${container.getHost()}:${container.getMappedPort(9093)}`, kind: 'container', stop: () => container.stop().then(() => undefined) };
  }
  try {
    return await startKraftBroker();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI) throw new Error(`the Kafka test broker could not start (bash .ci/run fetches its jars with Maven): ${reason}`);
    process.stderr.write(`Apache Kafka could not start (${reason}); falling back to kcat's mock cluster\n`);
    return startKcatMock();
  }
}
