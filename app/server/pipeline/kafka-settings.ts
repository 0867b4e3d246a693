/** Names and timings of the Kafka message log, in one place so producer, consumer and docs agree. */
export const KAFKA_DEFAULTS = {
  topic: 'chatflow.messages',
  groupId: 'chatflow-writer',
  clientId: 'chat-flow',
  // kafkajs's own defaults; tests shorten them, or every rebalance takes seconds.
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  rebalanceTimeoutMs: 60_000,
  // Enough partitions to spread chats over many writers; fixed once the topic exists.
  partitions: 12,
  // -1: the broker's default.replication.factor.
  replicationFactor: -1,
  idempotent: true,
} as const;

export interface KafkaSettings {
  brokers: string[];
  topic: string;
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** Used when the topic is created at start; an existing topic keeps its own. */
  partitions: number;
  replicationFactor: number;
  /** kafkajs's idempotent producer: no duplicate from a retried produce (the writer de-duplicates anyway). */
  idempotent: boolean;
}
