import { describe, expect, it } from 'vitest';
import { parseRange } from './attachment-routes.ts';

describe('Range header', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=90-200', { start: 90, end: 99 }],
    ['bytes=-5', { start: 95, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
  ])('%s of 100 bytes', (header, range) => {
    expect(parseRange(header, 100)).toEqual(range);
  });

  it.each([[undefined], ['bytes=0-1,5-6'], ['items=0-1'], ['bytes=9-3'], ['bytes=-'], ['bytes=abc']])('%j is answered with the whole file', (header) => {
    expect(parseRange(header, 100)).toBeNull();
  });

  it.each([['bytes=100-'], ['bytes=150-160'], ['bytes=-0']])('%s of 100 bytes cannot be satisfied', (header) => {
    expect(parseRange(header, 100)).toBe('unsatisfiable');
  });
});
