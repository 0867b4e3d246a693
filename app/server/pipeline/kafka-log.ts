import { Partitioners, type Admin, type Producer } from 'kafkajs';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { BatchingQueue } from './batching-queue.ts';
import { createKafkaClient } from './kafka-client.ts';
import type { KafkaSettings } from './kafka-settings.ts';
import { KafkaWriterConsumer } from './kafka-writer-consumer.ts';
import { logRecordSchema, type LogRecord } from './log-record.ts';
import type { AppendResult, MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

// Records per produce request: large enough for load, small enough for the default 1 MB request limit.
const MAX_PRODUCE_BATCH = 500;
const READY_TIMEOUT_MS = 2000;

const unavailable = () => new AppError(503, 'unavailable', 'The message could not be accepted; try again.');

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
  private readonly consumer?: KafkaWriterConsumer;
  private readonly queue: BatchingQueue<LogRecord, AppendResult>;
  private connecting: Promise<void> | null = null;
  private adminConnecting: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly logger: Logger,
    options: KafkaLogOptions,
  ) {
    const kafka = createKafkaClient(settings, logger);
    // Not idempotent: de-duplication is the writer's job (sender + clientId), and some brokers
    // (librdkafka's mock) refuse idempotent producers.
    // The Java client's partitioner (kafkajs's default, named so it does not warn on every start).
    this.producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner });
    // Readiness must answer fast: no retries behind /readyz.
    this.admin = createKafkaClient(settings, logger, 0).admin();
    if (options.writer) this.consumer = new KafkaWriterConsumer(kafka, settings, options.writer, options.writerBatch, logger);
    this.queue = new BatchingQueue(MAX_PRODUCE_BATCH, (records) => this.produce(records));
  }

  /** Connects the producer and joins the writer group in the background; failures are retried later. */
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
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Reachability of the brokers, for /readyz. */
  async ready(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
    const check = (async () => {
      this.adminConnecting ??= this.admin.connect().catch(async (error: unknown) => {
        this.adminConnecting = null;
        await this.admin.disconnect().catch(() => undefined);
        throw error;
      });
      await this.adminConnecting;
      await this.admin.describeCluster();
      return true;
    })().catch(() => false);
    try {
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch(async (error: unknown) => {
      this.connecting = null;
      // A producer whose connect failed keeps the process alive until disconnected.
      await this.producer.disconnect().catch(() => undefined);
      throw error;
    });
    return this.connecting;
  }

  /** One produce request for everything queued meanwhile; acked only when every in-sync replica has it. */
  private async produce(records: LogRecord[]) {
    try {
      await this.connect();
      await this.producer.send({
        topic: this.settings.topic,
        acks: -1,
        messages: records.map((record) => ({ key: record.chatId, value: JSON.stringify(record) })),
      });
      return records.map(() => ({ ok: true as const, value: {} }));
    } catch (error) {
      this.logger.error({ err: error, size: records.length }, 'kafka produce failed; senders will retry');
      throw unavailable();
    }
  }
}
