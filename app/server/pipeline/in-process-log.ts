import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { rejectionError } from '../policies/authorize.ts';
import { BatchingQueue, type Settled } from './batching-queue.ts';
import type { LogRecord } from './log-record.ts';
import type { AppendResult, MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

// Batches of different chats commit side by side; a chat has one batch in flight, so its order holds.
const BATCHES_IN_FLIGHT = 3;

/**
 * The embedded log: a queue drained by the writer, one batch per chat at a time. Memory is not
 * durable, so append() resolves only after the writer has committed the record.
 */
export class InProcessLog implements MessageLog {
  private readonly queue: BatchingQueue<LogRecord, AppendResult>;
  private closed = false;

  constructor(writer: Pick<MessageWriter, 'writeBatch'>, batchSize: number, logger: Logger) {
    this.queue = new BatchingQueue(batchSize, async (records): Promise<Settled<AppendResult>[]> => {
      try {
        const outcomes = await writer.writeBatch(records);
        return outcomes.map((outcome) =>
          outcome.status === 'rejected'
            ? { ok: false, error: rejectionError(outcome.code, outcome.message) }
            : { ok: true, value: outcome.status === 'unchanged' ? {} : { seq: outcome.seq } },
        );
      } catch (error) {
        logger.error({ err: error, size: records.length }, 'message batch failed; senders will retry');
        throw new AppError(503, 'unavailable', 'The message could not be saved; try again.');
      }
    }, { maxInFlight: BATCHES_IN_FLIGHT, keyOf: (record) => record.chatId });
  }

  append(record: LogRecord): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new AppError(503, 'unavailable', 'The server is shutting down; try again.'));
    return this.queue.push(record);
  }

  /** The queue is the log here: what waits in it is the lag. */
  async lag(): Promise<number> {
    return this.queue.pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.drained();
  }
}
