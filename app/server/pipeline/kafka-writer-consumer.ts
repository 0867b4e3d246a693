import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logger.ts';
import type { KafkaSettings } from './kafka-settings.ts';
import { logRecordSchema, type LogRecord, type WriteOutcome } from './log-record.ts';
import type { MessageWriter } from './message-writer.ts';

const START_RETRY_MAX_MS = 10_000;
const WRITE_RETRY_FIRST_MS = 200;
const WRITE_RETRY_MAX_MS = 5_000;

/**
 * The "persist" role on Kafka: the partition owners of one consumer group feed the single writer.
 * Offsets are committed only after the writer's transaction, so a crash replays instead of losing;
 * the replay is harmless because writeBatch drops records whose id is already stored.
 */
export class KafkaWriterConsumer {
  private readonly consumer: Consumer;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly writer: Pick<MessageWriter, 'writeBatch'>,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      // kafkajs heartbeats between fetches: an idle long-poll longer than the session gets this member evicted.
      maxWaitTimeInMs: Math.min(settings.heartbeatIntervalMs, 5000),
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.logger.error({ err: event.payload.error, restart: event.payload.restart }, 'kafka writer crashed');
    });
  }

  /** Joins the group in the background: a broker that is down at start must not stop the server. */
  start(): void {
    this.running ??= this.startLoop();
  }

  /** Stops after the batch in hand is written and committed, then leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.consumer.disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'kafka writer disconnect failed'));
  }

  private async startLoop(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      try {
        await this.consumer.connect();
        if (this.stopped) return;
        // A new group starts at the oldest record: whatever was acked before any writer ran is written.
        await this.consumer.subscribe({ topics: [this.settings.topic], fromBeginning: true });
        if (this.stopped) return;
        await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.handleBatch(payload) });
        this.logger.info({ topic: this.settings.topic, group: this.settings.groupId }, 'kafka writer running');
        return;
      } catch (error) {
        this.logger.error({ err: error, retryInMs: delay }, 'kafka writer could not start; retrying');
        // A consumer whose connect failed keeps sockets and timers alive until disconnected.
        await this.consumer.disconnect().catch(() => undefined);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
        delay = Math.min(delay * 2, START_RETRY_MAX_MS);
      }
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    for (let i = 0; i < batch.messages.length; i += this.batchSize) {
      // Stopping or rebalanced away: what is not committed replays on the next owner.
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + this.batchSize);
      const records = chunk.flatMap((message) => this.parse(message, partition));
      const outcomes = await this.writeUntilDone(records, payload);
      if (!outcomes) return;
      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      // Kafka's committed offset is the next one to read.
      await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    }
  }

  /**
   * Retries a failed write in place, heartbeating meanwhile: letting the error escape to kafkajs
   * would stop heartbeats until the group evicts this member (a rebalance per failure). Nothing is
   * committed until the write succeeds; null means the partition is no longer ours to write.
   */
  private async writeUntilDone(records: LogRecord[], { heartbeat, isRunning, isStale }: EachBatchPayload): Promise<WriteOutcome[] | null> {
    let delay = WRITE_RETRY_FIRST_MS;
    for (;;) {
      try {
        // Senders were acked at produce time: a refusal reaches them as message:rejected.
        return await this.writer.writeBatch(records, { announceRejections: true });
      } catch (error) {
        this.logger.error({ err: error, size: records.length, retryInMs: delay }, 'writing a batch failed; retrying it (offset not committed)');
      }
      const until = Date.now() + delay;
      while (Date.now() < until) {
        if (!isRunning() || isStale()) return null;
        await heartbeat();
        await new Promise((resolve) => setTimeout(resolve, Math.min(until - Date.now(), this.settings.heartbeatIntervalMs)));
      }
      delay = Math.min(delay * 2, WRITE_RETRY_MAX_MS);
    }
  }

  /** A record that is not ours (or is corrupt) is skipped and logged; it must not stall its partition. */
  private parse(message: KafkaMessage, partition: number): LogRecord[] {
    try {
      const parsed = logRecordSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
      if (parsed.success) return [parsed.data];
      this.logger.warn({ partition, offset: message.offset, issues: parsed.error.issues.length }, 'skipping an invalid log record');
    } catch {
      this.logger.warn({ partition, offset: message.offset }, 'skipping a log record that is not JSON');
    }
    return [];
  }
}
