import { createServer } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
    batchSize: new Histogram({
      name: 'chatflow_writer_batch_records',
      help: 'Log records per writer batch',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers: [registry],
    }),
    appendSeconds: new Histogram({
      name: 'chatflow_log_append_seconds',
      help: 'Time from accepting a send to the log acknowledging it (durable)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    httpRequests: new Counter({ name: 'chatflow_http_requests_total', help: 'HTTP requests by status class', labelNames: ['status'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Gauges read when Prometheus scrapes: this replica's sockets and the message log's lag. */
export function registerLiveGauges(metrics: Metrics, sources: { sockets: () => number; logLag: () => Promise<number> }) {
  new Gauge({
    name: 'chatflow_sockets_connected',
    help: 'Socket.IO connections on this replica',
    registers: [metrics.registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'chatflow_log_lag_records',
    help: 'Records appended to the message log and not yet written (Kafka: end offsets minus the writer group\'s committed offsets)',
    registers: [metrics.registry],
    async collect() {
      const lag = await sources.logLag().catch(() => null);
      if (lag !== null) this.set(lag);
    },
  });
}

/**
 * The listener of CHATFLOW_METRICS_ADDRESS: /metrics without authentication, for a scraper on a
 * private address; everything else 404.
 */
export function serveMetrics(registry: Registry, address: { host: string; port: number }): Promise<{ close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || url !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
