import type Router from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { Principal } from '../auth/identity.ts';
import { unauthorized } from '../errors.ts';
import type { Services } from '../services.ts';

export interface AppState {
  principal?: Principal;
}

export interface AppCustom {
  services: Services;
}

export type AppContext = ParameterizedContext<AppState, AppCustom>;
export type AppRouter = Router<AppState, AppCustom>;

/** The signed-in principal, or a 401. */
export function requirePrincipal(ctx: AppContext): Principal {
  if (!ctx.state.principal) throw unauthorized();
  return ctx.state.principal;
}

export const SESSION_COOKIE = 'chatflow_session';

export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
