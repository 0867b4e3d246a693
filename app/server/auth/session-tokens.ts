import { jwtVerify, SignJWT, decodeJwt } from 'jose';
import { isUuid } from '../ids.ts';

export const TOKEN_ISSUER = 'chat-flow';

export interface SessionClaims {
  userId: string;
  sessionId: string;
}

/** Signs and verifies Chat-Flow's own session tokens (HS256 with the installation secret). */
export class SessionTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: SessionClaims, expiresAt: Date): Promise<string> {
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** Returns the claims of a valid token, or null for anything tampered, expired or foreign. */
  async verify(token: string): Promise<SessionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'] });
      if (!isUuid(payload.sub) || !isUuid(payload.sid)) return null;
      return { userId: payload.sub, sessionId: payload.sid };
    } catch {
      return null;
    }
  }
}

/** Whether a token claims to be ours (unverified peek, only to pick the verifier). */
export function isOwnToken(token: string): boolean {
  try {
    return decodeJwt(token).iss === TOKEN_ISSUER;
  } catch {
    return false;
  }
}
