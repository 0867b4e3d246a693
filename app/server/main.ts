import { ConfigError, describeConfig, loadConfig, type Config } from './config.ts';
import { startChatFlow, type RunningChatFlow } from './chat-flow.ts';
import { createLogger } from './logger.ts';
import { assertPortsFree, PortUnavailableError } from './port-probe.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`Configuration error: ${problem}\n`);
    process.exit(1);
  }
}

/** A busy port stops the start before anything is printed or created, with one line naming PORT. */
async function checkPorts(config: Config): Promise<void> {
  try {
    await assertPortsFree(config);
  } catch (error) {
    if (!(error instanceof PortUnavailableError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
await checkPorts(config);
const logger = createLogger(config.logLevel);
logger.info({ config: describeConfig(config) }, 'configuration');

let running: RunningChatFlow | undefined;
let stopping = false;

/** The ordered shutdown, under the hard deadline: past it the process exits whatever is left. */
function shutdown(reason: string, exitCode: number) {
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'shutting down');
  setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
    process.exit(exitCode || 1);
  }, config.shutdownTimeoutMs + 2000).unref();
  (running?.close() ?? Promise.resolve()).then(
    () => process.exit(exitCode),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutdown(signal, 0));
// A stray rejection (a broadcast during a Redis outage, a client library's background retry) is a
// bug to log, not a reason to drop every user's connection. A thrown exception leaves the process
// in an unknown state: stop in order and exit non-zero, so the orchestrator restarts it.
process.on('unhandledRejection', (reason: unknown) => logger.error({ err: reason }, 'unhandled rejection'));
process.on('uncaughtException', (error: Error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  shutdown('uncaught exception', 1);
});

try {
  running = await startChatFlow(config, logger);
  if (stopping) await running.close();
} catch (error) {
  logger.fatal({ err: error }, 'Chat-Flow could not start');
  process.exit(1);
}
