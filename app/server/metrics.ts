import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per running server, so several servers in one process (tests) stay apart. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'chatflow_' });
  return {
    registry,
    messagesWritten: new Counter({ name: 'chatflow_messages_written_total', help: 'Messages committed by the writer', registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'chatflow_writer_batch_seconds',
      help: 'Time to write one batch of messages',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    httpRequests: new Counter({ name: 'chatflow_http_requests_total', help: 'HTTP requests by status class', labelNames: ['status'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
