import { describe, expect, it } from 'vitest';
import { compareFigures, meetsTarget, ratioOf, type Figure } from '../../bench/lib/figures.ts';
import { parseOptions } from '../../bench/lib/options.ts';

const figure = (id: string, better: Figure['better'], chatFlow: number | null, baseline: number | null, target?: Figure['target']): Figure => ({
  id, scenario: 'test', label: id, unit: 'ms', chatFlow, baseline, baselineLabel: 'baseline', better, ...(target ? { target } : {}),
});

describe('bench figures', () => {
  it('has no ratio, and no verdict, when a value or the baseline is missing or zero', () => {
    expect(ratioOf(figure('a', 'lower', null, 2))).toBeNull();
    expect(ratioOf(figure('a', 'lower', 2, 0))).toBeNull();
    const [moved] = compareFigures([figure('a', 'lower', 1, 1)], [figure('a', 'lower', 1, null)]);
    expect(moved!.verdict).toBe('missing');
    expect(compareFigures([figure('a', 'lower', 1, 1)], []).map((m) => m.verdict)).toEqual(['missing']);
  });

  it('calls a ratio worse when it moved against its direction by more than the tolerance', () => {
    const before = [figure('latency', 'lower', 10, 5), figure('rate', 'higher', 500, 1000)];
    const after = [figure('latency', 'lower', 15, 5), figure('rate', 'higher', 300, 1000)];
    expect(compareFigures(before, after).map((m) => [m.id, m.verdict])).toEqual([['latency', 'worse'], ['rate', 'worse']]);
    expect(compareFigures(after, before).map((m) => m.verdict)).toEqual(['better', 'better']);
  });

  it('calls a move within the tolerance the same, whatever the raw values did', () => {
    // Both sides slowed down together on a busy machine: the ratio held.
    const [moved] = compareFigures([figure('latency', 'lower', 10, 5)], [figure('latency', 'lower', 21, 10)], 0.1);
    expect(moved!.verdict).toBe('same');
  });

  it('checks targets on the ratio or on the value itself', () => {
    expect(meetsTarget(figure('p99', 'lower', 4, 1, { op: '<=', value: 3, of: 'ratio' }))).toBe(false);
    expect(meetsTarget(figure('knee', 'higher', 800, 1000, { op: '>=', value: 0.7, of: 'ratio' }))).toBe(true);
    expect(meetsTarget(figure('restart', 'lower', 1.2, 0.3, { op: '<=', value: 1.5, of: 'value' }))).toBe(true);
    expect(meetsTarget(figure('none', 'lower', 1, 1))).toBeNull();
  });

  it('refuses unknown flags and scenarios, and parses the scaling flags', () => {
    expect(() => parseOptions(['--nope'])).toThrow(/unknown flag/);
    expect(() => parseOptions(['--only=fanout,nothing'])).toThrow(/unknown scenario nothing/);
    expect(() => parseOptions(['--compare', 'a.json'])).toThrow(/two result files/);
    const options = parseOptions(['--only=fanout,persistence', '--sockets', '1000', '--rates=800,200', '--messages=200000', '--history-rows=1000000']);
    expect(options).toMatchObject({ only: ['fanout', 'persistence'], sockets: 1000, rates: [200, 800], messages: 200_000, historyRows: 1_000_000 });
    expect(parseOptions(['--compare', 'a.json', 'b.json']).compare).toEqual(['a.json', 'b.json']);
  });
});
