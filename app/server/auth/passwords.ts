import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError, rateLimited } from '../errors.ts';
import { Semaphore } from '../limits/semaphore.ts';

const KEY_LENGTH = 64;
const PARAMS = { N: 16384, r: 8, p: 1 } as const;

// Each scrypt holds 16 MiB while it runs: a sign-in storm queues here (and is refused past the
// queue) instead of growing memory with every request.
const SCRYPT_AT_ONCE = 2;
const SCRYPT_WAITING = 200;
const scryptSlots = new Semaphore(SCRYPT_AT_ONCE, SCRYPT_WAITING, () => rateLimited('Too many sign-ins at once; try again in a moment.'));

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return scryptSlots.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** scrypt hash in a self-describing string, so parameters can change without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  // A damaged stored hash (bad parameters) is a failed sign-in, not a server error; a full queue is a 429.
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }).catch((error: unknown) => {
    if (error instanceof AppError) throw error;
    return null;
  });
  return actual !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password a person can type once and then change. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
