/**
 * The only place Redis key and channel names are built. Redis pub/sub ignores the database index
 * of REDIS_URL, so the index is part of every name: two installations (or two test runs) that share
 * one Redis server on different indexes neither see each other's broadcasts nor each other's keys.
 */
export function redisKeys(database: number) {
  const ns = `chatflow:${database}`;
  return {
    /** Channel prefix of @socket.io/redis-adapter. */
    adapter: `${ns}:socket.io`,
    /** Set of the ids of replicas that announced themselves (alive or not yet swept). */
    replicas: `${ns}:presence:replicas`,
    /** Expires unless the replica refreshes it: the replica's proof of life. */
    heartbeat: (replicaId: string) => `${ns}:presence:heartbeat:${replicaId}`,
    /** Set of the users with at least one socket on the replica. */
    replicaUsers: (replicaId: string) => `${ns}:presence:users:${replicaId}`,
    /** Key prefix of one named rate limit (rate-limiter-flexible appends the limited key). */
    limit: (name: string) => `${ns}:limit:${name}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
