import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { InProcessLog } from './in-process-log.ts';
import { measuredLog, measuredWriter } from './measured-log.ts';
import type { MessageLog } from './message-log.ts';
import type { MessageWriter } from './message-writer.ts';

/**
 * KAFKA_BROKERS set: the log is Kafka, and only persist replicas write. Otherwise the embedded
 * queue, and the Kafka client is never loaded.
 */
export async function createMessageLog(config: Config, writer: Pick<MessageWriter, 'writeBatch'>, logger: Logger, metrics: Metrics): Promise<MessageLog> {
  const measured = measuredWriter(writer, metrics);
  if (!config.kafka) return measuredLog(new InProcessLog(measured, config.writerBatch, logger), metrics);
  const { KafkaLog } = await import('./kafka-log.ts');
  const log = new KafkaLog(config.kafka, logger, {
    writer: config.roles.has('persist') ? measured : undefined,
    writerBatch: config.writerBatch,
  });
  log.start();
  return measuredLog(log, metrics);
}
