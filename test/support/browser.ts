// Launches the system Chromium through playwright-core and signs users in, for test/browser.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fake microphone and camera that need no permission prompt, for recording tests. */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] as const;

/** The system Chromium (`npx playwright install` cannot download browsers here). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, so a test can assert the UI never threw. */
  errors: string[];
  /** Static files or modules that failed to load (not API calls). */
  loadFailures: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /** Runs on the new context before the page loads (routes, WebSocket interception). */
  setup?: (context: BrowserContext) => Promise<unknown>;
}

/** A fresh context (its own cookies and storage) with one page at the app, once the UI has started. */
export async function openApp(browser: Browser, baseUrl: string, options: OpenOptions = {}): Promise<Session> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    baseURL: baseUrl,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  await options.setup?.(context);
  const page = await context.newPage();
  const errors: string[] = [];
  const loadFailures: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('requestfailed', (req) => loadFailures.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => { if (res.status() >= 400 && !res.url().includes('/api/')) loadFailures.push(`${res.url()}: HTTP ${res.status()}`); });
  await page.goto('/');
  try {
    await page.locator('[data-testid="sign-in-form"], [data-testid="app-shell"]').first().waitFor({ timeout: 15_000 });
  } catch {
    // Say why the UI did not start (a module that failed to load, a script error) instead of timing out later.
    throw new Error(`The web UI did not start. Failed loads: ${loadFailures.join('; ') || 'none'}. Page errors: ${errors.join('; ') || 'none'}`);
  }
  return { context, page, errors, loadFailures };
}

/** Signs in through the form and waits for the chat shell. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('app-shell').waitFor();
}

/** Opens the app as a user and waits until it is signed in and connected. */
export async function openSignedIn(
  browser: Browser,
  baseUrl: string,
  credentials: { user: { email: string }; password: string },
  options: OpenOptions = {},
): Promise<Session> {
  const session = await openApp(browser, baseUrl, options);
  await signIn(session.page, credentials.user.email, credentials.password);
  try {
    await session.page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 });
  } catch {
    throw new Error(`Signed in but the real-time connection never came up. Failed loads: ${session.loadFailures.join('; ') || 'none'}`);
  }
  return session;
}

const SCREENSHOT_DIR = path.resolve('test-output', 'screenshots');

/** Saves a full-page screenshot under test-output/screenshots/ (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
