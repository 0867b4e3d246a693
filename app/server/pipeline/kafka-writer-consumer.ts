import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logger.ts';
import type { KafkaSettings } from './kafka-settings.ts';
import { logRecordSchema, type LogRecord, type WriteOutcome } from './log-record.ts';
import type { MessageWriter } from './message-writer.ts';

const START_RETRY_MAX_MS = 10_000;
// A writer that has not been consuming for this long (crashed and not yet back, or stuck joining)
// makes /readyz fail, so an orchestrator notices.
const UNHEALTHY_AFTER_MS = 30_000;

export type WriterState = 'starting' | 'running' | 'restarting' | 'stopped';
const WRITE_RETRY_FIRST_MS = 200;
const WRITE_RETRY_MAX_MS = 5_000;
/**
 * Partitions whose batches this writer writes side by side. A chat lives in one partition, whose
 * batches kafkajs still hands over one at a time, so each chat keeps its order; the writer commits
 * batches of different chats concurrently, and one partition at a time left most of a replica idle
 * waiting on PostgreSQL and on the offset commits.
 */
const PARTITIONS_WRITTEN_AT_ONCE = 3;

/**
 * The "persist" role on Kafka: the partition owners of one consumer group feed the single writer.
 * Offsets are committed only after the writer's transaction, so a crash replays instead of losing;
 * the replay is harmless because writeBatch drops records whose id is already stored.
 */
export class KafkaWriterConsumer {
  private consumer: Consumer;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private current: WriterState = 'starting';
  private notRunningSince = Date.now();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly writer: Pick<MessageWriter, 'writeBatch'>,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {
    this.consumer = this.createConsumer();
  }

  /** Joins the group in the background: a broker that is down at start must not stop the server. */
  start(): void {
    this.running ??= this.startLoop();
  }

  state(): WriterState {
    return this.current;
  }

  /** False when the writer has not been consuming for a while: /readyz reports it. */
  healthy(): boolean {
    return this.current === 'running' || Date.now() - this.notRunningSince < UNHEALTHY_AFTER_MS;
  }

  private setState(state: WriterState) {
    if (state !== 'running' && this.current === 'running') this.notRunningSince = Date.now();
    this.current = state;
  }

  private createConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.settings.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      rebalanceTimeout: this.settings.rebalanceTimeoutMs,
      // kafkajs heartbeats between fetches: an idle long-poll longer than the session gets this member evicted.
      maxWaitTimeInMs: Math.min(this.settings.heartbeatIntervalMs, 5000),
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error({ err: error, restart }, 'kafka writer crashed');
      // kafkajs restarts the consumer itself for retriable errors; for the rest (a rebalance or join
      // error it gave up on) nothing would: start a fresh consumer, or this replica stops writing.
      if (!restart && consumer === this.consumer) this.restart();
    });
    consumer.on(consumer.events.GROUP_JOIN, () => this.setState('running'));
    return consumer;
  }

  private restart() {
    if (this.stopped) return;
    this.setState('restarting');
    const crashed = this.consumer;
    this.consumer = this.createConsumer();
    const previous = this.running ?? Promise.resolve();
    this.running = previous
      .then(() => crashed.disconnect().catch(() => undefined))
      .then(() => this.startLoop());
  }

  /** Stops after the batch in hand is written and committed, then leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    // disconnect() waits for the batch in hand, then sends LeaveGroup so the partitions move at once.
    await this.consumer.disconnect().catch((error: unknown) => this.logger.warn({ err: error }, 'kafka writer disconnect failed'));
    this.setState('stopped');
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
        await this.consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: PARTITIONS_WRITTEN_AT_ONCE,
          eachBatch: (payload) => this.handleBatch(payload),
        });
        this.setState('running');
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
      // Kafka's committed offset is the next one to read. A commit refused because the group is
      // rebalancing must not crash the consumer: the next owner replays what is uncommitted, and
      // the writer drops what it already stored.
      try {
        await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
        await heartbeat();
      } catch (error) {
        this.logger.warn({ err: error, partition }, 'offset commit refused (group rebalancing); the batch replays on the next owner');
        return;
      }
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
