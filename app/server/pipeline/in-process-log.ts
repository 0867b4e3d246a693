import type { Logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import type { LogRecord } from './log-record.ts';
import type { AppendResult, MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

interface Pending {
  record: LogRecord;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded log: a queue drained by one writer loop. Memory is not durable, so append()
 * resolves only after the writer has committed the record; batches form naturally from whatever
 * queued up while the previous one was being written (no linger, lowest latency).
 */
export class InProcessLog implements MessageLog {
  private queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly writer: MessageWriter,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {}

  append(record: LogRecord): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new AppError(503, 'unavailable', 'The server is shutting down; try again.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = null;
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the current tick's sends join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        const outcomes = await this.writer.writeBatch(batch.map((p) => p.record));
        batch.forEach((pending, i) => {
          const outcome = outcomes[i]!;
          if (outcome.status === 'rejected') pending.reject(new AppError(404, outcome.code, outcome.message));
          else pending.resolve({ seq: outcome.seq });
        });
      } catch (error) {
        this.logger.error({ err: error, size: batch.length }, 'message batch failed; senders will retry');
        for (const pending of batch) pending.reject(new AppError(503, 'unavailable', 'The message could not be saved; try again.'));
      }
    }
  }
}
