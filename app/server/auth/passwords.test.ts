import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so the same password gives different strings that both verify', async () => {
    const [a, b] = [await hashPassword('same-password'), await hashPassword('same-password')];
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-password', a)).toBe(true);
    expect(await verifyPassword('same-password', b)).toBe(true);
  });

  it('treats the same text in another Unicode form as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9-password');
    expect(await verifyPassword('cafe\u0301-password', stored)).toBe(true);
  });

  it('answers false, never throws, for a missing or malformed stored hash', async () => {
    const good = await hashPassword('secret-pass');
    const [, , , , salt, key] = good.split('$');
    const malformed = [
      null,
      '',
      'garbage',
      'scrypt$',
      `bcrypt$16384$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$${salt}$`,
      `scrypt$16384$8$1$$${key}`,
      `scrypt$x$y$z$${salt}$${key}`,
      `scrypt$3$8$1$${salt}$${key}`,
      `scrypt$1048576000$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$${salt}$${key!.slice(0, 20)}`,
    ];
    for (const stored of malformed) {
      await expect(verifyPassword('secret-pass', stored), String(stored)).resolves.toBe(false);
    }
  });

  it('generates distinct passwords long enough to pass the 8-character minimum', () => {
    const passwords = new Set(Array.from({ length: 20 }, generatePassword));
    expect(passwords.size).toBe(20);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
