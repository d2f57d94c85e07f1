/** One received Server-Sent Event. */
export interface ReceivedEvent {
  id?: string;
  event: string;
  data: any;
}

/**
 * A real EventSource-style reader over fetch: parses the `text/event-stream` wire format as a
 * browser does and keeps every event, so a test can wait for the ones it expects.
 */
export class SseReader {
  readonly events: ReceivedEvent[] = [];
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  closed = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: reader.abort.signal });
    reader.status = res.status;
    if (res.ok && res.body) void reader.pump(res.body);
    else reader.closed = true;
    return reader;
  }

  /** Waits until an event matching `match` has arrived; returns it. */
  async next(match: (event: ReceivedEvent) => boolean, what = 'event', timeoutMs = 10_000): Promise<ReceivedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.closed || Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => `${e.id} ${e.event}`))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.abort.abort();
    this.closed = true;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.closed = true;
      this.wake();
    }
  }

  private parse(block: string): void {
    const event: ReceivedEvent = { event: 'message', data: '' };
    let data: string[] | undefined;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') (data ??= []).push(value);
    }
    if (!data) return; // retry: or comments only
    event.data = JSON.parse(data.join('\n'));
    this.events.push(event);
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
