import type { Logger } from '../logger.ts';
import { logRecordSchema, type LogRecord, type WriteOutcome } from './log-record.ts';
import type { MessageWriter, WriteOptions } from './message-writer.ts';

type BatchWriter = Pick<MessageWriter, 'writeBatch'>;

const REFUSED_MESSAGE = 'The message could not be stored: its content was refused.';

/**
 * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity
 * constraint violation): writing the same records again fails again, unlike a lost connection.
 */
export function isDataError(error: unknown): boolean {
  const wrapped = error as { code?: unknown; nativeError?: { code?: unknown } } | null;
  const code = wrapped?.nativeError?.code ?? wrapped?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

const refused = (record: LogRecord): WriteOutcome => ({ status: 'rejected', id: record.id, code: 'invalid_input', message: REFUSED_MESSAGE });

/**
 * Keeps one bad record from failing everyone's batch: records that fail the log schema are refused
 * up front, and a batch the database refuses for its data is split in halves until the failing
 * records stand alone; they are refused (invalid_input) and the rest are written. Any other failure
 * (the database is down) fails the batch as before, for the callers to retry.
 */
export class IsolatingWriter implements BatchWriter {
  constructor(
    private readonly writer: BatchWriter,
    private readonly logger: Logger,
  ) {}

  async writeBatch(records: LogRecord[], options: WriteOptions = {}): Promise<WriteOutcome[]> {
    const outcomes: (WriteOutcome | undefined)[] = records.map((record) => (logRecordSchema.safeParse(record).success ? undefined : refused(record)));
    const valid = records.flatMap((_, index) => (outcomes[index] ? [] : [index]));
    await this.writeIsolated(records, valid, outcomes, options);
    return outcomes as WriteOutcome[];
  }

  // In log order, the first half before the second: seqs stay in the order the records came.
  private async writeIsolated(records: LogRecord[], indexes: number[], outcomes: (WriteOutcome | undefined)[], options: WriteOptions): Promise<void> {
    if (indexes.length === 0) return;
    try {
      const written = await this.writer.writeBatch(indexes.map((index) => records[index]!), options);
      written.forEach((outcome, i) => (outcomes[indexes[i]!] = outcome));
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (indexes.length === 1) {
        const record = records[indexes[0]!]!;
        this.logger.warn({ err: error, id: record.id, chatId: record.chatId }, 'the database refused a message; it was rejected alone');
        outcomes[indexes[0]!] = refused(record);
        return;
      }
      const middle = Math.ceil(indexes.length / 2);
      await this.writeIsolated(records, indexes.slice(0, middle), outcomes, options);
      await this.writeIsolated(records, indexes.slice(middle), outcomes, options);
    }
  }
}
