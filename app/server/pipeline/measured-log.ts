import type { Metrics } from '../metrics.ts';
import type { LogRecord, WriteOutcome } from './log-record.ts';
import type { AppendResult, MessageLog } from './message-log.ts';
import type { MessageWriter, WriteOptions } from './message-writer.ts';

/** The log as the front door uses it, timing each append until it is durable. */
export function measuredLog(log: MessageLog, metrics: Metrics): MessageLog {
  return {
    append(record: LogRecord): Promise<AppendResult> {
      const stop = metrics.appendSeconds.startTimer();
      return log.append(record).finally(stop);
    },
    close: () => log.close(),
    lag: () => log.lag(),
    ...(log.ready ? { ready: () => log.ready!() } : {}),
  };
}

/** The writer as the logs feed it, counting the records of each batch. */
export function measuredWriter(writer: Pick<MessageWriter, 'writeBatch'>, metrics: Metrics): Pick<MessageWriter, 'writeBatch'> {
  return {
    writeBatch(records: LogRecord[], options?: WriteOptions): Promise<WriteOutcome[]> {
      if (records.length > 0) metrics.batchSize.observe(records.length);
      return writer.writeBatch(records, options);
    },
  };
}
