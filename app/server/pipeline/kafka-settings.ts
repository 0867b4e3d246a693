/** Names and timings of the Kafka message log, in one place so producer, consumer and docs agree. */
export const KAFKA_DEFAULTS = {
  topic: 'chatflow.messages',
  groupId: 'chatflow-writer',
  clientId: 'chat-flow',
  // kafkajs's own defaults; tests shorten them, or every rebalance takes seconds.
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
} as const;

export interface KafkaSettings {
  brokers: string[];
  topic: string;
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
}
