import type { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { Limits } from '../limits/limits.ts';
import type { Logger } from '../logger.ts';
import { User } from '../models/user.ts';
import { ClerkVerifier, type ClerkIdentity } from './clerk-verifier.ts';
import { passwordChangeRequired } from './password-change.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { isOwnToken, SessionTokens } from './session-tokens.ts';

export interface Principal {
  user: User;
  /** Set for Chat-Flow sessions; Clerk sessions are Clerk's to end. */
  sessionId?: string;
}

export interface IdentityOptions {
  tokens: SessionTokens;
  clerk?: ClerkVerifier;
  /** The lifetime of a new sign-in: the admin setting, else CHATFLOW_SESSION_DAYS. */
  sessionDays: () => Promise<number>;
  limits: Limits;
  logger: Logger;
  /** The admin setting: false leaves password sign-in to administrators (the others use Clerk). */
  builtInAccounts?: () => Promise<boolean>;
}

const LAST_SEEN_EVERY_MS = 60_000;

/** Turns credentials and tokens into a verified user: the only place identity is decided. */
export class Identity {
  // Verified in place of a missing one, so an unknown email costs what a known one does.
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    private readonly knex: Knex,
    private readonly options: IdentityOptions,
  ) {}

  /**
   * The attempt is charged to the account and the address before the password is checked, so
   * parallel guesses cannot outrun the limit; a success gives the charge back. Unknown,
   * deactivated and password-less accounts do the same work and get the same answer.
   */
  async login(input: { email: string; password: string; ip: string; userAgent?: string }) {
    const { limits } = this.options;
    const accountKey = input.email.trim().toLowerCase();
    await limits.consumeAll([
      ['login-account', accountKey],
      ['login-address', input.ip],
    ]);
    const found = await User.query(this.knex).whereRaw('lower(email) = ?', [accountKey]).first();
    const user = found?.status === 'active' && found.passwordHash ? found : undefined;
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !valid) throw unauthorized('Wrong email or password.');
    // Asked only once the password is right, so the answer says nothing about other accounts.
    if (user.role !== 'admin' && this.options.builtInAccounts && !(await this.options.builtInAccounts())) {
      throw new AppError(403, 'password_sign_in_disabled', 'Sign-in with a password is turned off: use your organisation\'s sign-in.');
    }
    await Promise.all([limits.reset('login-account', accountKey), limits.refund('login-address', input.ip)]);
    return this.startSession(user, input);
  }

  /** A new Chat-Flow session for a user who has just proven who they are (sign-in, sign-up). */
  async startSession(user: User, input: { ip: string; userAgent?: string }) {
    this.touchLastSeen(user);
    const expiresAt = new Date(Date.now() + (await this.options.sessionDays()) * 86_400_000);
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

  /** Ends every Chat-Flow session of a user (deactivation, password reset), or all but one; returns the ended ones. */
  async revokeSessions(userId: string, exceptSessionId?: string): Promise<string[]> {
    const query = this.knex('sessions').where({ userId }).whereNull('revokedAt');
    if (exceptSessionId) query.whereNot({ id: exceptSessionId });
    const rows = (await query.update({ revokedAt: new Date() }).returning('id')) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /**
   * A signed-in person replaces their password: the current one is checked first (each attempt
   * draws on the account's sign-in budget, so this is no back door for guessing), the one-time
   * mark is cleared, and every other Chat-Flow session ends; the ended session ids are returned.
   */
  async changePassword(principal: Principal, currentPassword: string, password: string): Promise<string[]> {
    const { limits } = this.options;
    const accountKey = principal.user.email.trim().toLowerCase();
    await limits.consume('login-account', accountKey);
    const user = await User.query(this.knex).findById(principal.user.id);
    const valid = await verifyPassword(currentPassword, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !user.passwordHash || !valid) throw new AppError(403, 'wrong_password', 'The current password is not right.');
    await limits.refund('login-account', accountKey);
    const passwordHash = await hashPassword(password);
    await User.query(this.knex).patch({ passwordHash, mustChangePassword: false, updatedAt: new Date() }).where({ id: user.id });
    return this.revokeSessions(user.id, principal.sessionId);
  }

  /**
   * The active user behind a token, or null: tampered, expired, revoked, deactivated or unknown.
   * An account holding a one-time password gets 403 password_change_required, unless the caller
   * serves one of the few requests that lead to a new password (allowPasswordChange).
   */
  async authenticate(token: string | undefined, options: { allowPasswordChange?: boolean } = {}): Promise<Principal | null> {
    const principal = await this.resolve(token);
    if (principal?.user.mustChangePassword && !options.allowPasswordChange) throw passwordChangeRequired();
    return principal;
  }

  private async resolve(token: string | undefined): Promise<Principal | null> {
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
    if (!user) return null;
    this.touchLastSeen(user);
    return { user, sessionId: claims.sessionId };
  }

  /**
   * Marks the user as seen for the admin console, at most once a minute per user: one cheap
   * conditional update off the request path; losing one to an error only makes "last seen" older.
   */
  private touchLastSeen(user: User): void {
    const now = Date.now();
    if (user.lastSeenAt && now - user.lastSeenAt.getTime() < LAST_SEEN_EVERY_MS) return;
    const stale = new Date(now - LAST_SEEN_EVERY_MS);
    void this.knex('users')
      .where({ id: user.id })
      .where((q) => q.whereNull('lastSeenAt').orWhere('lastSeenAt', '<', stale))
      .update({ lastSeenAt: new Date(now) })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'could not record last seen'));
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
