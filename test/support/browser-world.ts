// The shared set-up of the browser suites: a server, one Chromium, named people, and the browser
// contexts a test opens, all closed after the suite.
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, openSignedIn, type OpenOptions, type Session } from './browser.ts';
import { useTestServer, type ServerFixture } from './server-fixture.ts';
import type { TestServerOptions, TestUser } from './test-server.ts';

export interface BrowserWorld<Key extends string> {
  readonly server: ServerFixture;
  readonly browser: Browser;
  /** The people named to useBrowserWorld, by key. */
  readonly users: Readonly<Record<Key, TestUser>>;
  /** Every context opened through open/openSignedOut so far, so a test can check none of them threw. */
  readonly sessions: readonly Session[];
  /** A new context signed in as this user; closed after the suite. */
  open(user: TestUser, options?: OpenOptions): Promise<Session>;
  /** A new context at the sign-in page; closed after the suite. */
  openSignedOut(options?: OpenOptions): Promise<Session>;
}

/** The server's options (for example a Kafka log and a replica's roles), and Chromium's. */
export interface BrowserWorldOptions extends TestServerOptions {
  /** Extra Chromium flags, e.g. FAKE_MEDIA_ARGS. */
  launchArgs?: readonly string[];
}

/**
 * Registers the hooks in the calling scope: starts a server, launches Chromium and creates one
 * account per entry of `people` (key -> display name), in that order. Hooks the suite registers
 * afterwards run once all of them exist, and before anything is closed.
 */
export function useBrowserWorld<Key extends string = never>(
  people: Readonly<Record<Key, string>> = {} as Record<Key, string>,
  options: BrowserWorldOptions = {},
): BrowserWorld<Key> {
  const { launchArgs, ...serverOptions } = options;
  const server = useTestServer(serverOptions);
  let launched: Browser | undefined;
  let users: Record<Key, TestUser> | undefined;
  const sessions: Session[] = [];

  const browser = (): Browser => {
    if (!launched) throw new Error('Chromium is not running: use the browser world inside tests and hooks, not at collection time.');
    return launched;
  };
  const track = (session: Session): Session => {
    sessions.push(session);
    return session;
  };

  beforeAll(async () => {
    launched = await launchBrowser(launchArgs);
    const created: Partial<Record<Key, TestUser>> = {};
    // One at a time, so accounts are created in the order the suite lists them.
    for (const key of Object.keys(people) as Key[]) created[key] = await server.createUser({ name: people[key] });
    users = created as Record<Key, TestUser>;
  });

  // Registered after useTestServer's, so it runs first: contexts and Chromium go before the server.
  afterAll(async () => {
    for (const s of sessions.splice(0)) await s.context.close().catch(() => {});
    await launched?.close();
    launched = undefined;
  });

  return {
    server,
    sessions,
    get browser() {
      return browser();
    },
    get users() {
      if (!users) throw new Error('The users are created in beforeAll: use them inside tests and hooks.');
      return users;
    },
    open: async (user, options) => track(await openSignedIn(browser(), server.url, user, options)),
    openSignedOut: async (options) => track(await openApp(browser(), server.url, options)),
  };
}
