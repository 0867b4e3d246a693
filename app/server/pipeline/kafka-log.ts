import { Partitioners, type Admin, type Producer } from 'kafkajs';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { BatchingQueue } from './batching-queue.ts';
import { createKafkaClient } from './kafka-client.ts';
import type { KafkaSettings } from './kafka-settings.ts';
import { KafkaWriterConsumer, type WriterState } from './kafka-writer-consumer.ts';
import { logRecordSchema, type LogRecord } from './log-record.ts';
import type { AppendResult, MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

// Records per produce request: large enough for load, small enough for the default 1 MB request limit.
const MAX_PRODUCE_BATCH = 500;
const READY_TIMEOUT_MS = 2000;
// A produce that has not been acked by then answers `unavailable`: the client retries with the same
// clientId, and the writer drops the duplicate if the first attempt did land.
const PRODUCE_TIMEOUT_MS = 10_000;
const unavailable = () => new AppError(503, 'unavailable', 'The message could not be accepted; try again.');

/** Connects an admin client; on failure disconnects it and forgets the attempt, so the next call retries. */
function connectOrReset(admin: Admin, forget: () => void): Promise<void> {
  return admin.connect().catch(async (error: unknown) => {
    forget();
    await admin.disconnect().catch(() => undefined);
    throw error;
  });
}

export interface KafkaLogOptions {
  /** Present on replicas with the persist role: they also consume the topic and write. */
  writer?: Pick<MessageWriter, 'writeBatch'>;
  writerBatch: number;
}

/**
 * The message log on Kafka. append() resolves once every in-sync replica has the record (acks -1),
 * keyed by chatId so one partition owner writes a chat; seq does not exist yet at that point.
 * Appends queued while a produce is in flight go out together in the next one.
 */
export class KafkaLog implements MessageLog {
  private readonly producer: Producer;
  private readonly admin: Admin;
  /** For lag and topic creation: retries, since the first group lookup may wait for the offsets topic. */
  private readonly patientAdmin: Admin;
  private patientConnecting: Promise<void> | null = null;
  private readonly consumer?: KafkaWriterConsumer;
  private readonly queue: BatchingQueue<LogRecord, AppendResult>;
  private connecting: Promise<void> | null = null;
  private adminConnecting: Promise<void> | null = null;
  private topicReady: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly logger: Logger,
    options: KafkaLogOptions,
  ) {
    const kafka = createKafkaClient(settings, logger);
    // The Java client's partitioner (kafkajs's default, named so it does not warn on every start).
    // Idempotence needs one request in flight; its retries stay bounded so a dead broker answers.
    this.producer = kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: settings.idempotent,
      ...(settings.idempotent ? { maxInFlightRequests: 1 } : {}),
    });
    // Readiness and lag must answer fast: no retries behind them.
    this.admin = createKafkaClient(settings, logger, 0).admin();
    this.patientAdmin = kafka.admin();
    if (options.writer) this.consumer = new KafkaWriterConsumer(kafka, settings, options.writer, options.writerBatch, logger);
    this.queue = new BatchingQueue(MAX_PRODUCE_BATCH, (records) => this.produce(records));
  }

  /** Creates the topic, connects the producer and joins the writer group in the background. */
  start(): void {
    this.connect().catch((error: unknown) => this.logger.error({ err: error }, 'kafka producer could not connect; sends answer unavailable until it can'));
    this.consumer?.start();
  }

  append(record: LogRecord): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new AppError(503, 'unavailable', 'The server is shutting down; try again.'));
    // The consumer trusts nothing, but what we write ourselves must be a valid record.
    return this.queue.push(logRecordSchema.parse(record));
  }

  /** Flushes what was appended, disconnects the producer, then stops the writer (which commits what it wrote). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.drained();
    await this.producer.disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'kafka producer disconnect failed'));
    await this.consumer?.stop();
    await Promise.all([this.admin, this.patientAdmin].map((admin) => admin.disconnect().catch(() => undefined)));
  }

  /** Reachability of the brokers, and on persist replicas a writer that is consuming, for /readyz. */
  async ready(): Promise<boolean> {
    const reachable = await this.withTimeout(async () => {
      await this.connectAdmin();
      await this.admin.describeCluster();
      return true;
    }, false);
    return reachable && (this.consumer?.healthy() ?? true);
  }

  /** The writer's state on this replica, for /readyz and the admin console; absent without the persist role. */
  writerState(): WriterState | undefined {
    return this.consumer?.state();
  }

  /**
   * Records appended but not yet written: the topic's end offsets minus the writer group's
   * committed offsets, over every partition (a partition the group never committed counts from
   * its first offset).
   */
  async lag(): Promise<number> {
    await this.connectPatientAdmin();
    const [ends, committed] = await Promise.all([
      this.patientAdmin.fetchTopicOffsets(this.settings.topic),
      this.patientAdmin.fetchOffsets({ groupId: this.settings.groupId, topics: [this.settings.topic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    let lag = 0;
    for (const end of ends) {
      const from = done.get(end.partition) ?? -1;
      lag += Number(end.high) - (from >= 0 ? from : Number(end.low));
    }
    return lag;
  }

  private connectAdmin(): Promise<void> {
    return (this.adminConnecting ??= connectOrReset(this.admin, () => (this.adminConnecting = null)));
  }

  private connectPatientAdmin(): Promise<void> {
    return (this.patientConnecting ??= connectOrReset(this.patientAdmin, () => (this.patientConnecting = null)));
  }

  private async withTimeout<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), READY_TIMEOUT_MS)));
    try {
      return await Promise.race([work().catch(() => fallback), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The topic with the configured partitions; an existing one is left as it is. */
  private ensureTopic(): Promise<void> {
    this.topicReady ??= (async () => {
      await this.connectPatientAdmin();
      const created = await this.patientAdmin.createTopics({
        topics: [{ topic: this.settings.topic, numPartitions: this.settings.partitions, replicationFactor: this.settings.replicationFactor }],
        waitForLeaders: true,
      });
      if (created) this.logger.info({ topic: this.settings.topic, partitions: this.settings.partitions }, 'created the message log topic');
    })().catch((error: unknown) => {
      this.topicReady = null;
      throw error;
    });
    return this.topicReady;
  }

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      // Brokers that refuse CreateTopics (or forbid it) still auto-create on first produce.
      await this.ensureTopic().catch((error: unknown) => this.logger.warn({ err: error }, 'could not create the message log topic; relying on auto-creation'));
      await this.producer.connect();
    })().catch(async (error: unknown) => {
      this.connecting = null;
      // A producer whose connect failed keeps the process alive until disconnected.
      await this.producer.disconnect().catch(() => undefined);
      throw error;
    });
    return this.connecting;
  }

  /** One produce request for everything queued meanwhile; acked only when every in-sync replica has it. */
  private async produce(records: LogRecord[]) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const send = (async () => {
        await this.connect();
        await this.producer.send({
          topic: this.settings.topic,
          acks: -1,
          messages: records.map((record) => ({ key: record.chatId, value: JSON.stringify(record) })),
        });
      })();
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ack from Kafka within ${PRODUCE_TIMEOUT_MS} ms`)), PRODUCE_TIMEOUT_MS)));
      await Promise.race([send, timeout]);
      return records.map(() => ({ ok: true as const, value: {} }));
    } catch (error) {
      this.logger.error({ err: error, size: records.length }, 'kafka produce failed; senders will retry');
      throw unavailable();
    } finally {
      clearTimeout(timer);
    }
  }
}
