import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { z } from 'zod';
import { unavailable } from '../errors.ts';

export interface ClerkOptions {
  jwtKey?: string;
  secretKey?: string;
  authorizedParties?: string[];
  issuer?: string;
  apiUrl?: string;
}

export interface ClerkIdentity {
  clerkId: string;
  email?: string;
  /** Only a verified address may link the Clerk user to an existing account. */
  emailVerified: boolean;
  name?: string;
  avatarUrl?: string;
}

const claimsSchema = z.looseObject({
  sub: z.string().min(1),
  email: z.string().optional(),
  primary_email_address: z.string().optional(),
  email_verified: z.unknown().optional(),
  name: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  image_url: z.string().optional(),
  picture: z.string().optional(),
});

/**
 * Verifies Clerk session tokens. With CLERK_JWT_KEY the check is networkless; with only the secret
 * key, @clerk/backend fetches Clerk's JWKS.
 */
export class ClerkVerifier {
  constructor(private readonly options: ClerkOptions) {}

  /** The identity of a valid token, null for an invalid one; throws `unavailable` when Clerk cannot be reached. */
  async verify(token: string): Promise<ClerkIdentity | null> {
    let payload: unknown;
    try {
      payload = await verifyToken(token, {
        jwtKey: this.options.jwtKey,
        secretKey: this.options.jwtKey ? undefined : this.options.secretKey,
        authorizedParties: this.options.authorizedParties,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
        ...(this.options.apiUrl ? { apiUrl: this.options.apiUrl } : {}),
      });
    } catch (error) {
      if (isOutage(error)) throw unavailable('Sign-in cannot be checked right now; try again shortly.');
      return null;
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) return null;
    const claims = parsed.data;
    const fullName = [claims.first_name, claims.last_name].filter(Boolean).join(' ');
    return {
      clerkId: claims.sub,
      email: claims.email ?? claims.primary_email_address,
      emailVerified: claims.email_verified === true,
      name: claims.name ?? (fullName || undefined),
      avatarUrl: claims.image_url ?? claims.picture,
    };
  }
}

/**
 * Clerk's keys could not be fetched (network down, Clerk down, the secret key refused): that says
 * nothing about the token, so it must not sign anyone out. Everything else is a bad token.
 */
function isOutage(error: unknown): boolean {
  if (!(error instanceof TokenVerificationError)) return true;
  return error.reason === TokenVerificationErrorReason.RemoteJWKFailedToLoad || error.reason === TokenVerificationErrorReason.InvalidSecretKey;
}
