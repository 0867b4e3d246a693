import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger.ts';
import { KAFKA_DEFAULTS, type KafkaSettings } from './kafka-settings.ts';

/**
 * A kafkajs client that logs through pino. kafkajs reports every failed connection attempt as an
 * error while it retries; those are warnings here, since our own code logs the failures that matter.
 */
export function createKafkaClient(settings: KafkaSettings, logger: Logger, retries = 5): Kafka {
  return new Kafka({
    clientId: KAFKA_DEFAULTS.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    // A short first backoff keeps a dead broker's answer (`unavailable`) within a few seconds.
    retry: { retries, initialRetryTime: 100, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...details } = log;
        if (level <= logLevel.WARN) logger.warn({ kafka: namespace, ...details }, message);
      },
  });
}
