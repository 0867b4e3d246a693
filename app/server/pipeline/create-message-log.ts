import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { InProcessLog } from './in-process-log.ts';
import { KafkaLog } from './kafka-log.ts';
import type { MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

/** KAFKA_BROKERS set: the log is Kafka, and only persist replicas write. Otherwise the embedded queue. */
export function createMessageLog(config: Config, writer: Pick<MessageWriter, 'writeBatch'>, logger: Logger): MessageLog {
  if (!config.kafka) return new InProcessLog(writer, config.writerBatch, logger);
  const log = new KafkaLog(config.kafka, logger, {
    writer: config.roles.has('persist') ? writer : undefined,
    writerBatch: config.writerBatch,
  });
  log.start();
  return log;
}
