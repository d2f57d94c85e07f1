import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  from: string;
  to: string[];
  /** The whole MIME message as received. */
  raw: string;
}

/** A real SMTP server (the `smtp-server` package) that keeps what it receives. */
export class SmtpSimulator {
  readonly received: ReceivedEmail[] = [];
  /** SMTP connections opened so far. */
  connections = 0;
  private server?: SMTPServer;
  private rejectNext = 0;

  async start(port = 0, host = '127.0.0.1'): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Clients keep pooled connections open: a stopping simulator ends them after half a second (default 30 s).
      closeTimeout: 500,
      onConnect: (_session, callback) => {
        this.connections += 1;
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.rejectNext > 0) {
            this.rejectNext -= 1;
            return callback(Object.assign(new Error('Temporary local problem, try again'), { responseCode: 451 }));
          }
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return (this.server.server.address() as AddressInfo).port;
  }

  /** The next N messages get a 451 (try again later). */
  failNext(times: number): void {
    this.rejectNext = times;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
