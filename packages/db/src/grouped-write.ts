export interface GroupedWriteOptions {
  /** How long the first call of a group waits for others. */
  windowMs: number;
  /** A group is written at once when it reaches this many calls. */
  max: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for small writes of one kind: calls arriving within `windowMs` of each other (at
 * most `max`) are written by one call of `write`, i.e. one statement and one commit, and each
 * caller gets its own result once the group is committed. `write` returns one result per item, in
 * order. A group that fails is written again one item at a time, so an item the database refuses
 * fails alone and the others go through.
 */
export class GroupedWrite<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: GroupedWriteOptions,
  ) {}

  run(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.options.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.waiting;
    this.waiting = [];
    if (group.length === 0) return;
    this.write(group.map((w) => w.item)).then(
      (results) => group.forEach((w, i) => w.resolve(results[i]!)),
      (error: unknown) => (group.length === 1 ? group[0]!.reject(error) : group.forEach((w) => this.alone(w))),
    );
  }

  private alone(w: Waiting<I, O>): void {
    this.write([w.item]).then((results) => w.resolve(results[0]!), w.reject);
  }
}
