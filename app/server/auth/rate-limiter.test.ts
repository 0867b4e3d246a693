import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

const T0 = 1_700_000_000_000;

describe('RateLimiter', () => {
  it('allows a full burst, then refuses until the bucket refills', () => {
    const limiter = new RateLimiter(3, 1);
    expect([1, 2, 3].map(() => limiter.take('a', T0))).toEqual([true, true, true]);
    expect(limiter.take('a', T0)).toBe(false);
    expect(limiter.peek('a', T0)).toBe(false);
    // Half a token after 500 ms is not enough; a whole one after 1 s is.
    expect(limiter.take('a', T0 + 500)).toBe(false);
    expect(limiter.take('a', T0 + 1000)).toBe(true);
    expect(limiter.take('a', T0 + 1000)).toBe(false);
  });

  it('refills at the given rate and never beyond its capacity', () => {
    const limiter = new RateLimiter(5, 2);
    for (let i = 0; i < 5; i++) expect(limiter.take('a', T0)).toBe(true);
    expect(limiter.take('a', T0)).toBe(false);
    // 2 tokens per second: after 1.5 s, three tokens.
    const later = T0 + 1500;
    expect([1, 2, 3, 4].map(() => limiter.take('a', later))).toEqual([true, true, true, false]);
    // An hour later the bucket holds only its capacity.
    const muchLater = T0 + 3_600_000;
    expect(Array.from({ length: 6 }, () => limiter.take('a', muchLater))).toEqual([true, true, true, true, true, false]);
  });

  it('keeps a bucket per key', () => {
    const limiter = new RateLimiter(1, 0.1);
    expect(limiter.take('alice', T0)).toBe(true);
    expect(limiter.take('alice', T0)).toBe(false);
    expect(limiter.take('bob', T0)).toBe(true);
  });

  it('peek does not consume a token', () => {
    const limiter = new RateLimiter(1, 0.001);
    for (let i = 0; i < 5; i++) expect(limiter.peek('a', T0)).toBe(true);
    expect(limiter.take('a', T0)).toBe(true);
    expect(limiter.peek('a', T0)).toBe(false);
  });

  it('reset gives a key a full bucket again', () => {
    const limiter = new RateLimiter(2, 0.001);
    limiter.take('a', T0);
    limiter.take('a', T0);
    expect(limiter.take('a', T0)).toBe(false);
    limiter.reset('a');
    expect(limiter.take('a', T0)).toBe(true);
    expect(limiter.take('a', T0)).toBe(true);
    expect(limiter.take('a', T0)).toBe(false);
  });
});
