import { verifyToken } from '@clerk/backend';
import { z } from 'zod';

export interface ClerkOptions {
  jwtKey?: string;
  secretKey?: string;
  authorizedParties?: string[];
  issuer?: string;
}

export interface ClerkIdentity {
  clerkId: string;
  email?: string;
  name?: string;
  avatarUrl?: string;
}

const claimsSchema = z.looseObject({
  sub: z.string().min(1),
  email: z.string().optional(),
  primary_email_address: z.string().optional(),
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

  async verify(token: string): Promise<ClerkIdentity | null> {
    try {
      const payload = await verifyToken(token, {
        jwtKey: this.options.jwtKey,
        secretKey: this.options.jwtKey ? undefined : this.options.secretKey,
        authorizedParties: this.options.authorizedParties,
        ...(this.options.issuer ? { issuer: this.options.issuer } : {}),
      });
      const claims = claimsSchema.parse(payload);
      const fullName = [claims.first_name, claims.last_name].filter(Boolean).join(' ');
      return {
        clerkId: claims.sub,
        email: claims.email ?? claims.primary_email_address,
        name: claims.name ?? (fullName || undefined),
        avatarUrl: claims.image_url ?? claims.picture,
      };
    } catch {
      return null;
    }
  }
}
