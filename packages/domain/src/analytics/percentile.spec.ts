import { describe, expect, it } from '@jest/globals';
import { percentileOf, rateOf } from './percentile.js';

describe('percentileOf', () => {
  it('takes the nearest rank', () => {
    // 1, 2, 2, 3, 10 (one each, two 2s)
    const h = [[3, 1], [1, 1], [2, 2], [10, 1]] as const;
    expect(percentileOf(h, 0.5)).toBe(2);
    expect(percentileOf(h, 0.9)).toBe(10);
    expect(percentileOf(h, 0.2)).toBe(1);
    expect(percentileOf([[7, 4]], 0.9)).toBe(7);
  });

  it('ignores empty buckets and answers null without data', () => {
    expect(percentileOf([], 0.5)).toBeNull();
    expect(percentileOf([[5, 0], [6, -0]], 0.5)).toBeNull();
    expect(percentileOf([[5, 0], [9, 2]], 0.5)).toBe(9);
  });
});

describe('rateOf', () => {
  it('rounds to four places and has no rate without a whole', () => {
    expect(rateOf(1, 3)).toBe(0.3333);
    expect(rateOf(0, 0)).toBeNull();
  });
});
