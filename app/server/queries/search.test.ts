import { describe, expect, it } from 'vitest';
import { endsWithBareWord, parseHeadline } from './search.ts';

describe('endsWithBareWord', () => {
  it('treats a plain last word as a prefix', () => {
    expect(endsWithBareWord('meeting notes')).toBe(true);
    expect(endsWithBareWord('café')).toBe(true);
    expect(endsWithBareWord('build 42')).toBe(true);
  });

  it('leaves negated, quoted, operator and punctuated endings exact', () => {
    expect(endsWithBareWord('notes -draft')).toBe(false);
    expect(endsWithBareWord('"release notes"')).toBe(false);
    expect(endsWithBareWord('"release notes')).toBe(false);
    expect(endsWithBareWord('alpha or')).toBe(false);
    expect(endsWithBareWord('really?')).toBe(false);
  });
});

describe('parseHeadline', () => {
  it('turns markers into offsets of a plain-text snippet', () => {
    expect(parseHeadline('the \u0002quick\u0003 fox \u0002jumps\u0003')).toEqual({
      snippet: 'the quick fox jumps',
      highlights: [[4, 9], [14, 19]],
    });
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings index', () => {
    const { snippet, highlights } = parseHeadline('😀 \u0002naïve\u0003');
    expect(highlights.map(([start, end]) => snippet.slice(start, end))).toEqual(['naïve']);
  });

  it('keeps markup as text and ignores stray or empty markers', () => {
    expect(parseHeadline('<b>\u0002x\u0003</b>\u0003\u0002\u0003')).toEqual({ snippet: '<b>x</b>', highlights: [[3, 4]] });
  });
});
