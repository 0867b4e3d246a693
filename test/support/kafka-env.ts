import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { KAFKA_DEFAULTS, type KafkaSettings } from '../../app/server/pipeline/kafka-settings.ts';

/**
 * Configuration for a server on the suite's Kafka: its own topic and group (runs and tests never
 * read each other's records) and short group timings, or every join and rebalance takes seconds.
 * kcat's mock cluster (a fallback only) refuses idempotent producers.
 */
export function kafkaTestEnv(brokers = inject('kafkaBrokers'), suffix = randomBytes(4).toString('hex')): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers,
    CHATFLOW_KAFKA_TOPIC: `chatflow.test.${suffix}`,
    CHATFLOW_KAFKA_GROUP: `chatflow-test-${suffix}`,
    CHATFLOW_KAFKA_SESSION_TIMEOUT_MS: '3000',
    CHATFLOW_KAFKA_HEARTBEAT_MS: '500',
    CHATFLOW_KAFKA_REBALANCE_TIMEOUT_MS: '5000',
    CHATFLOW_KAFKA_PARTITIONS: '4',
    CHATFLOW_KAFKA_IDEMPOTENT: String(inject('kafkaKind') !== 'mock'),
  };
}

/** The same, as the settings a KafkaLog built directly in a test takes. */
export function kafkaTestSettings(env: Record<string, string>): KafkaSettings {
  return {
    ...KAFKA_DEFAULTS,
    brokers: env.KAFKA_BROKERS!.split(','),
    topic: env.CHATFLOW_KAFKA_TOPIC!,
    groupId: env.CHATFLOW_KAFKA_GROUP!,
    sessionTimeoutMs: 3000,
    heartbeatIntervalMs: 500,
    rebalanceTimeoutMs: 5000,
    partitions: 4,
    idempotent: env.CHATFLOW_KAFKA_IDEMPOTENT === 'true',
  };
}
