export interface PresenceEntry {
  userId: string;
  online: boolean;
  lastSeenAt: string;
}

/**
 * Who is online. The socket server reports each socket's arrival and departure; the store
 * broadcasts `presence` when a user's first socket anywhere arrives or their last one leaves.
 * In memory for one process (MemoryPresence), in Redis across replicas (RedisPresence).
 */
export interface PresenceStore {
  /** Registers this process (Redis: first heartbeat) before sockets arrive. */
  start(): Promise<void>;
  connected(userId: string): void;
  disconnected(userId: string): void;
  online(): Promise<PresenceEntry[]>;
  /** Stops timers and removes what this process announced; the sockets are already gone. */
  close(): Promise<void>;
}
