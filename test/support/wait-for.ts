/**
 * Polls a condition until it holds: how tests wait for the queue to finish work, without guessing
 * a sleep. Fails with the last value seen, so a timeout says what was missing.
 */
export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, { timeoutMs = 15_000, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
