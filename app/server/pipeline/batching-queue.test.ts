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
});
