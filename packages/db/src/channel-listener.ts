import pg from 'pg';

export interface ChannelListenerOptions {
  /** Wait this long before connecting again after the connection is lost. */
  reconnectMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Calls `onNotify` for each Postgres NOTIFY on one channel, on a connection of its own. A lost
 * connection (Postgres restarted, network cut) is made again; `onNotify` also runs after each
 * (re)connect, because notifications sent while disconnected are gone.
 */
export class ChannelListener {
  private client?: pg.Client;
  private connected = false;
  private retry?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly options: ChannelListenerOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }

  /** Whether the LISTEN connection is up (false while reconnecting). */
  get listening(): boolean {
    return this.connected;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    this.client = client;
    this.connected = false;
    client.on('notification', () => this.onNotify());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
      if (this.client !== client) return;
      this.connected = true;
      this.onNotify();
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    // Each lost connection is handled once (a failure emits both `error` and `end`).
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (error) this.options.onError?.(error);
    this.retry = setTimeout(() => void this.connect(), this.options.reconnectMs ?? 1_000);
    this.retry.unref();
  }
}
