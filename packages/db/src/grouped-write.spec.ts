import { describe, expect, it } from '@jest/globals';
import { GroupedWrite } from './grouped-write.js';

/** A write that doubles numbers, refuses negative ones (the whole group fails), and records each group. */
function doubling() {
  const groups: number[][] = [];
  const write = async (items: number[]) => {
    groups.push(items);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (items.some((n) => n < 0)) throw new Error(`refused ${items.filter((n) => n < 0).join(', ')}`);
    return items.map((n) => n * 2);
  };
  return { groups, write };
}

describe('GroupedWrite', () => {
  it('writes calls arriving within the window as one group, each caller getting its own result', async () => {
    const { groups, write } = doubling();
    const grouped = new GroupedWrite(write, { windowMs: 20, max: 64 });
    const results = await Promise.all([1, 2, 3].map((n) => grouped.run(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('writes a group at once when it reaches its size, and later calls in a group of their own', async () => {
    const { groups, write } = doubling();
    const grouped = new GroupedWrite(write, { windowMs: 1_000, max: 2 });
    const started = Date.now();
    expect(await Promise.all([grouped.run(1), grouped.run(2)])).toEqual([2, 4]);
    expect(Date.now() - started).toBeLessThan(500); // did not wait for the window
    expect(await grouped.run(5)).toBe(10);
    expect(groups).toEqual([[1, 2], [5]]);
  });

  it('writes a refused group again one call at a time, so only the refused call fails', async () => {
    const { groups, write } = doubling();
    const grouped = new GroupedWrite(write, { windowMs: 20, max: 64 });
    const results = await Promise.allSettled([1, -2, 3].map((n) => grouped.run(n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('refused -2') },
      { status: 'fulfilled', value: 6 },
    ]);
    expect(groups).toEqual([[1, -2, 3], [1], [-2], [3]]);
  });

  it('fails a lone call with its own error, without writing it twice', async () => {
    const { groups, write } = doubling();
    const grouped = new GroupedWrite(write, { windowMs: 1, max: 64 });
    await expect(grouped.run(-1)).rejects.toThrow('refused -1');
    expect(groups).toEqual([[-1]]);
  });
});
