// Clerk sign-in for the web UI, only when the server has CLERK_PUBLISHABLE_KEY: loads Clerk's
// vendored browser SDK, opens its sign-in, and hands out the Clerk session token that REST calls
// send as a bearer token and the socket as auth.token. Clerk tokens live about a minute; the SDK's
// getToken() returns its cached one or a fresh one before it expires, so it is asked every time.

/**
 * @typedef {{publishableKey: string, frontendApi: string, sdkUrl: string}} ClerkOptions
 * @typedef {{clerk: ClerkOptions|null, builtInAccounts: boolean}} AuthOptions
 * @typedef {{
 *   load: (options?: object) => Promise<void>,
 *   session: {getToken: () => Promise<string|null>} | null | undefined,
 *   user: object | null | undefined,
 *   openSignIn: (options?: object) => void,
 *   addListener: (listener: (resources: {session?: object|null}) => void) => (() => void) | void,
 *   signOut: () => Promise<void>,
 * }} ClerkSdk
 */

/** @type {Promise<AuthOptions>|null} */
let optionsPromise = null;
/** @type {Promise<ClerkSdk>|null} */
let scriptPromise = null;
/** @type {Promise<ClerkSdk>|null} */
let clerkPromise = null;
/** @type {Promise<void>|null} */
let signedInPromise = null;
// After Clerk failed to load (its frontend API unreachable), requests go on with the cookie alone
// for a while instead of each retrying the SDK.
const RETRY_AFTER_MS = 30_000;
let failedAt = -Infinity;

/** What the sign-in page may offer (GET /api/auth/options), asked once; a failure is asked again. */
export function authOptions() {
  if (!optionsPromise) {
    optionsPromise = fetch('/api/auth/options', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error('HTTP ' + res.status))))
      .catch((/** @type {unknown} */ e) => {
        optionsPromise = null;
        throw e;
      });
  }
  return /** @type {Promise<AuthOptions>} */ (optionsPromise);
}

/**
 * Adds the SDK's script (same origin, under /vendor) once, with the publishable key it reads from
 * its own tag; the bundle creates window.Clerk.
 * @param {ClerkOptions} options
 * @returns {Promise<ClerkSdk>}
 */
function loadScript(options) {
  if (!scriptPromise) {
    scriptPromise = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = options.sdkUrl;
      script.async = true;
      script.setAttribute('data-clerk-publishable-key', options.publishableKey);
      script.onload = () => {
        const clerk = /** @type {any} */ (window).Clerk;
        if (clerk) resolve(clerk);
        else reject(new Error('Clerk did not start.'));
      };
      script.onerror = () => {
        script.remove();
        scriptPromise = null;
        reject(new Error('Clerk could not be loaded.'));
      };
      document.head.appendChild(script);
    });
  }
  return /** @type {Promise<ClerkSdk>} */ (scriptPromise);
}

/** The SDK once Clerk has loaded the current session. @param {ClerkOptions} options @returns {Promise<ClerkSdk>} */
function loadClerk(options) {
  if (!clerkPromise) {
    clerkPromise = loadScript(options)
      .then(async (clerk) => {
        await clerk.load();
        return clerk;
      })
      .catch((/** @type {unknown} */ e) => {
        clerkPromise = null;
        failedAt = Date.now();
        throw e;
      });
  }
  return /** @type {Promise<ClerkSdk>} */ (clerkPromise);
}

/** Clerk's SDK when the server offers Clerk sign-in, else null (never throws). */
async function configuredClerk() {
  if (typeof document === 'undefined') return null;
  const options = await authOptions().catch(() => null);
  if (!options || !options.clerk) return null;
  if (!clerkPromise && Date.now() - failedAt < RETRY_AFTER_MS) return null;
  return loadClerk(options.clerk).catch(() => null);
}

/** A current Clerk session token, or null: signed out of Clerk, or Clerk not configured. */
export async function clerkToken() {
  const clerk = await configuredClerk();
  if (!clerk || !clerk.session) return null;
  return (await clerk.session.getToken().catch(() => null)) || null;
}

/** Socket.IO's auth callback, called at every (re)connect: a fresh token each time. @param {(auth: object) => void} cb */
export function socketAuth(cb) {
  clerkToken().then((token) => cb(token ? { token } : {}), () => cb({}));
}

/**
 * Opens Clerk's sign-in; resolves once Clerk has a session (at once if it has one already). Asked
 * again (the person closed Clerk's dialog), it opens the dialog again and waits for the same session.
 */
export async function signInWithClerk() {
  const options = await authOptions();
  if (!options.clerk) throw new Error('Clerk sign-in is not configured.');
  const clerk = await loadClerk(options.clerk);
  if (clerk.session) return;
  if (!signedInPromise) {
    signedInPromise = new Promise((resolve) => {
      /** @type {(() => void) | void} */
      let unsubscribe;
      unsubscribe = clerk.addListener(({ session }) => {
        if (!session) return;
        if (unsubscribe) unsubscribe();
        signedInPromise = null;
        resolve();
      });
    });
  }
  const signedIn = signedInPromise;
  clerk.openSignIn({});
  return signedIn;
}

/** Ends the Clerk session too when signing out, so the next page load does not sign in again. */
export async function signOutOfClerk() {
  if (!clerkPromise) return;
  const clerk = await clerkPromise.catch(() => null);
  if (clerk && clerk.session) await clerk.signOut().catch(() => {});
}
