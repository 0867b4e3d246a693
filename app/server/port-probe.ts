import net from 'node:net';
import type { Config } from './config.ts';

/** A port Chat-Flow needs cannot be bound; the message names the variable that sets it. */
export class PortUnavailableError extends Error {}

interface Listener {
  variable: string;
  host: string;
  port: number;
}

/** Binds and releases the address at once: the only way to know nobody else holds it. */
function probe({ variable, host, port }: Listener): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortUnavailableError(`Port ${port} is already in use: set ${variable} to a free port.`));
      else if (error.code === 'EACCES') reject(new PortUnavailableError(`Port ${port} needs privileges this process lacks: set ${variable} to a port above 1023.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new PortUnavailableError(`Address ${host} is not one of this machine's: set ${variable === 'PORT' ? 'HOST' : variable} to a local address.`));
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * Checks the listening ports before anything is created (data directory, embedded database,
 * first admin), so a second start on a busy port leaves no trace. A port of 0 is always free.
 */
export async function assertPortsFree(config: Pick<Config, 'port' | 'host' | 'metricsAddress'>): Promise<void> {
  const listeners: Listener[] = [{ variable: 'PORT', host: config.host, port: config.port }];
  if (config.metricsAddress) listeners.push({ variable: 'CHATFLOW_METRICS_ADDRESS', ...config.metricsAddress });
  for (const listener of listeners) if (listener.port !== 0) await probe(listener);
}
