import Router from '@koa/router';
import type { AppCustom, AppState } from '../context.ts';
import { CLERK_JS, VENDORED_VERSIONS } from '../static-files.ts';

/** Clerk's browser bundle, vendored: its URL names the installed version (its chunks load beside it). */
const CLERK_SDK_URL = `/vendor/${CLERK_JS}@${VENDORED_VERSIONS.get(CLERK_JS)}/dist/clerk.browser.js`;

/**
 * What the sign-in page offers before anyone is signed in: Clerk (with the publishable key its SDK
 * needs) when configured, and whether people other than administrators may use a password.
 */
export function authOptionsRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.get('/api/auth/options', async (ctx) => {
    const { builtInAccounts } = await ctx.services.settings.get();
    const publishable = ctx.services.config.clerk?.publishable;
    ctx.body = {
      clerk: publishable ? { publishableKey: publishable.key, frontendApi: publishable.frontendApi, sdkUrl: CLERK_SDK_URL } : null,
      builtInAccounts,
    };
  });

  return router;
}
