/**
 * Nearest-rank percentile of a histogram (value → count): the smallest value with at least
 * p·N observations at or below it. Null for an empty histogram.
 */
export function percentileOf(histogram: readonly (readonly [value: number, count: number])[], p: number): number | null {
  const sorted = [...histogram].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
}

/** part / whole, rounded to 4 places; null when there is no whole. */
export function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/**
 * Lower bounds (minutes) of the 32 buckets of time to first contact, as the database's
 * report_contact_bucket counts them: exact below ten minutes, coarser after.
 */
export const CONTACT_MINUTE_BUCKETS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 360, 480, 720, 1080, 1440, 2880, 4320, 10080] as const;

/** Nearest-rank percentile of a contact histogram (counts per bucket), as the bucket's lower bound. */
export function contactPercentile(histogram: readonly number[], p: number): number | null {
  return percentileOf(histogram.map((count, i) => [CONTACT_MINUTE_BUCKETS[i]!, count] as const), p);
}
