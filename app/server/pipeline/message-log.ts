import type { LogRecord } from './log-record.ts';

export interface AppendResult {
  /** Known when the log is the writer itself (in-process); a distributed log acks before seq exists. */
  seq?: number;
}

/**
 * The durable front of the message path. append() resolves only once the record can no longer be
 * lost; a record the writer refuses (the sender left the chat) rejects with that error.
 */
export interface MessageLog {
  append(record: LogRecord): Promise<AppendResult>;
  /** Stops accepting, then waits until everything appended is written. */
  close(): Promise<void>;
  /** Whether the log's backing service answers, for /readyz; absent when it is in-process. */
  ready?(): Promise<boolean>;
  /** Records appended and not yet written (Kafka: end offsets minus the writers' committed offsets). */
  lag(): Promise<number>;
}
