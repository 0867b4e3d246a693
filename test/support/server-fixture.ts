// One Chat-Flow per suite (or describe block), started and stopped by vitest hooks, so suites do
// not each repeat the same beforeAll/afterAll and socket bookkeeping.
import { afterAll, beforeAll } from 'vitest';
import { connectSocket, type TestSocket } from './socket-client.ts';
import { startTestServer, type TestServer, type TestServerOptions, type TestUser } from './test-server.ts';

/**
 * Stands in for the suite's TestServer (same url, running, admin, api, createUser), so test bodies
 * read exactly as they did with a `server` variable; closing is the fixture's job, not the test's.
 */
export interface ServerFixture extends Omit<TestServer, 'close'> {
  /** Opens a socket as this user (or with a bare token, e.g. a Clerk one); closed after the suite. */
  connect(who: TestUser | string): Promise<TestSocket>;
}

/**
 * Registers beforeAll/afterAll in the calling scope (file or describe): starts a server with its own
 * database before the tests, and closes every socket from connect() and then the server after them.
 * Hooks a suite registers later run after this start and before this cleanup (vitest's "stack" order).
 */
export function useTestServer(
  options: TestServerOptions | (() => Promise<TestServerOptions>) = {},
  /** Runs after the server has stopped (to stop what the options function started). */
  afterClose?: () => Promise<void>,
): ServerFixture {
  let started: TestServer | undefined;
  const sockets: TestSocket[] = [];

  const current = (): TestServer => {
    // The fixture is created while vitest collects the suite; the server exists only once beforeAll ran.
    if (!started) throw new Error('The test server is not running: use it inside tests and hooks, not at collection time.');
    return started;
  };

  beforeAll(async () => {
    started = await startTestServer(typeof options === 'function' ? await options() : options);
  });

  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await started?.close();
    started = undefined;
    await afterClose?.();
  });

  return {
    get url() {
      return current().url;
    },
    get running() {
      return current().running;
    },
    get admin() {
      return current().admin;
    },
    api: (token) => current().api(token),
    createUser: (input) => current().createUser(input),
    async connect(who) {
      const socket = await connectSocket(current().url, typeof who === 'string' ? who : who.token);
      sockets.push(socket);
      return socket;
    },
  };
}
