// Clerk session tokens for tests: signed locally with an RSA-2048 key, as Clerk signs them.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const PARTY = 'https://chat.example.test';

export const newKeyPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const clerkKeys = newKeyPair();
/** CLERK_JWT_KEY for the servers that verify clerkToken()'s tokens. */
export const publicPem = clerkKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

export interface TokenOptions {
  sub?: string;
  key?: KeyObject;
  azp?: string;
  /** Seconds from now. */
  expiresIn?: number;
  issuedAgo?: number;
  claims?: Record<string, unknown>;
}

export function clerkToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = now - (options.issuedAgo ?? 5);
  // Verified by default, as Clerk's session token template states it; the linking tests override it.
  return new SignJWT({ azp: options.azp ?? PARTY, sid: `sess_${randomBytes(6).toString('hex')}`, email_verified: true, ...options.claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'ins_test' })
    .setSubject(options.sub ?? `user_${randomBytes(8).toString('hex')}`)
    .setIssuer('https://clerk.chat.example.test')
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(now + (options.expiresIn ?? 60))
    .sign(options.key ?? clerkKeys.privateKey);
}

export const uniqueEmail = (prefix: string) => `${prefix}.${randomBytes(4).toString('hex')}@example.test`;
