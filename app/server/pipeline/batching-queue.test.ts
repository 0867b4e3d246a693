import { describe, expect, it } from 'vitest';
import { BatchingQueue } from './batching-queue.ts';

describe('BatchingQueue', () => {
  it('batches what arrives while a batch is in flight, up to the limit, in order', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new BatchingQueue<number, number>(3, async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((n) => ({ ok: true, value: n * 10 }));
    });
    const first = queue.push(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4, 5].map((n) => queue.push(n));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('rejects single items, or the whole batch when processing throws, and keeps going', async () => {
    let calls = 0;
    const queue = new BatchingQueue<string, string>(10, async (items) => {
      calls += 1;
      if (calls === 2) throw new Error('database down');
      return items.map((item) => (item === 'bad' ? { ok: false, error: new Error(`refused ${item}`) } : { ok: true, value: item }));
    });
    const [good, bad] = [queue.push('good'), queue.push('bad')];
    await expect(good).resolves.toBe('good');
    await expect(bad).rejects.toThrow('refused bad');
    await expect(queue.push('during outage')).rejects.toThrow('database down');
    await expect(queue.push('after')).resolves.toBe('after');
    await queue.drained();
  });

  it('overlaps batches of other keys only: a key has one batch in flight and keeps its order', async () => {
    const batches: string[][] = [];
    const gates: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const queue = new BatchingQueue<string, string>(10, async (items) => {
      batches.push(items);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight -= 1;
      return items.map((item) => ({ ok: true, value: item }));
    }, { maxInFlight: 2, keyOf: (item) => item[0]! });
    const a1 = queue.push('a1');
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['a2', 'b1', 'a3', 'b2', 'c1'].map((item) => queue.push(item));
    await new Promise((resolve) => setImmediate(resolve));
    // a1 holds key a: the second batch takes b and c only, in push order.
    expect(batches).toEqual([['a1'], ['b1', 'b2', 'c1']]);
    gates.shift()!();
    await a1;
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches[2]).toEqual(['a2', 'a3']);
    while (gates.length > 0) gates.shift()!();
    expect(await Promise.all(later)).toEqual(['a2', 'b1', 'a3', 'b2', 'c1']);
    expect(most).toBe(2);
    await queue.drained();
  });
});
