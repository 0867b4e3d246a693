import type { Knex } from 'knex';
import { forbidden, rateLimited, unauthorized } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { User } from '../models/user.ts';
import { ClerkVerifier, type ClerkIdentity } from './clerk-verifier.ts';
import { verifyPassword } from './passwords.ts';
import { RateLimiter } from './rate-limiter.ts';
import { isOwnToken, SessionTokens } from './session-tokens.ts';

export interface Principal {
  user: User;
  /** Set for Chat-Flow sessions; Clerk sessions are Clerk's to end. */
  sessionId?: string;
}

export interface IdentityOptions {
  tokens: SessionTokens;
  clerk?: ClerkVerifier;
  sessionDays: number;
  loginAttempts: number;
  logger: Logger;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;

/** Turns credentials and tokens into a verified user: the only place identity is decided. */
export class Identity {
  private readonly accountLimiter: RateLimiter;
  private readonly addressLimiter: RateLimiter;

  constructor(
    private readonly knex: Knex,
    private readonly options: IdentityOptions,
  ) {
    const { loginAttempts } = options;
    this.accountLimiter = new RateLimiter(loginAttempts, loginAttempts / LOGIN_WINDOW_SECONDS);
    this.addressLimiter = new RateLimiter(loginAttempts * 5, (loginAttempts * 5) / LOGIN_WINDOW_SECONDS);
  }

  async login(input: { email: string; password: string; ip: string; userAgent?: string }) {
    const accountKey = input.email.trim().toLowerCase();
    if (!this.accountLimiter.peek(accountKey) || !this.addressLimiter.peek(input.ip)) {
      throw rateLimited('Too many sign-in attempts; wait a few minutes and try again.');
    }
    const user = await User.query(this.knex).whereRaw('lower(email) = ?', [accountKey]).first();
    const valid = user !== undefined && user.status === 'active' && (await verifyPassword(input.password, user.passwordHash));
    if (!valid || !user) {
      this.accountLimiter.take(accountKey);
      this.addressLimiter.take(input.ip);
      throw unauthorized('Wrong email or password.');
    }
    this.accountLimiter.reset(accountKey);
    const expiresAt = new Date(Date.now() + this.options.sessionDays * 86_400_000);
    const [session] = (await this.knex('sessions')
      .insert({ userId: user.id, expiresAt, userAgent: input.userAgent?.slice(0, 300) ?? null, ip: input.ip })
      .returning('id')) as { id: string }[];
    const token = await this.options.tokens.sign({ userId: user.id, sessionId: session!.id }, expiresAt);
    return { user, token, expiresAt };
  }

  async logout(principal: Principal): Promise<void> {
    if (!principal.sessionId) return;
    await this.knex('sessions').where({ id: principal.sessionId }).update({ revokedAt: new Date() });
  }

  /** Ends every Chat-Flow session of a user (deactivation, password reset). */
  async revokeSessions(userId: string): Promise<void> {
    await this.knex('sessions').where({ userId }).whereNull('revokedAt').update({ revokedAt: new Date() });
  }

  /** The active user behind a token, or null: tampered, expired, revoked, deactivated or unknown. */
  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    if (isOwnToken(token)) return this.authenticateSession(token);
    if (!this.options.clerk) return null;
    const identity = await this.options.clerk.verify(token);
    if (!identity) return null;
    const user = await this.provisionClerkUser(identity);
    return user.status === 'active' ? { user } : null;
  }

  private async authenticateSession(token: string): Promise<Principal | null> {
    const claims = await this.options.tokens.verify(token);
    if (!claims) return null;
    const user = await User.query(this.knex)
      .select('users.*')
      .join('sessions', 'sessions.userId', 'users.id')
      .where('sessions.id', claims.sessionId)
      .where('users.id', claims.userId)
      .whereNull('sessions.revokedAt')
      .where('sessions.expiresAt', '>', new Date())
      .where('users.status', 'active')
      .first();
    return user ? { user, sessionId: claims.sessionId } : null;
  }

  /**
   * A Clerk user gets a row on first sight. It is linked to an existing account with the same email
   * only when Clerk says the address is verified, and never to an administrator (whoever controls
   * that Clerk identity would hold the admin account): those are refused with 403. An unverified
   * address is not trusted at all: the new account gets a placeholder address instead.
   */
  private async provisionClerkUser(identity: ClerkIdentity): Promise<User> {
    const known = await User.query(this.knex).where({ clerkId: identity.clerkId }).first();
    if (known) return known;
    const claimedEmail = identity.email;
    const email = claimedEmail && identity.emailVerified ? claimedEmail : `${identity.clerkId}@clerk.invalid`;
    return this.knex.transaction(async (trx) => {
      if (claimedEmail) {
        const sameEmail = await User.query(trx).whereRaw('lower(email) = lower(?)', [claimedEmail]).whereNull('clerkId').forUpdate().first();
        if (sameEmail && !identity.emailVerified) {
          throw forbidden('Verify your email address with your sign-in provider to use your existing Chat-Flow account.');
        }
        if (sameEmail?.role === 'admin') {
          throw forbidden('An administrator account is not linked to a sign-in provider automatically; sign in with your password.');
        }
        if (sameEmail) return User.query(trx).patchAndFetchById(sameEmail.id, { clerkId: identity.clerkId });
      }
      const inserted = await User.query(trx)
        .insert({
          email,
          name: identity.name ?? (identity.emailVerified && claimedEmail ? claimedEmail.split('@')[0]! : 'Clerk user'),
          avatarUrl: identity.avatarUrl ?? null,
          clerkId: identity.clerkId,
          role: 'user',
          status: 'active',
        })
        .onConflict('clerkId')
        .ignore()
        .returning('*');
      const created = Array.isArray(inserted) ? inserted[0] : inserted;
      this.options.logger.info({ clerkId: identity.clerkId }, 'provisioned user from Clerk');
      return created?.id ? created : User.query(trx).where({ clerkId: identity.clerkId }).first().throwIfNotFound();
    });
  }
}
