import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmtpSimulator } from '@leadflow/simulators';
import net, { type AddressInfo } from 'node:net';
import { Mailer } from './mailer.js';

// The real nodemailer transport against the local SMTP simulator (a real SMTP server).
const smtp = new SmtpSimulator();
let port: number;
const email = (n: number) => ({ to: `lead${n}@example.com`, subject: `Welcome ${n}`, html: '<p>hi</p>', text: 'hi', messageId: `<run-${n}@leadflow>`, language: 'en' });

beforeAll(async () => {
  port = await smtp.start();
});
afterAll(() => smtp.stop());

describe('Mailer', () => {
  it('keeps its SMTP connection for the next emails instead of opening one per email', async () => {
    const mailer = new Mailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'sales@example.com', timeoutMs: 2000 });
    const before = smtp.connections;
    try {
      for (let n = 0; n < 3; n++) expect((await mailer.send(email(n))).accepted).toEqual([`lead${n}@example.com`]);
    } finally {
      mailer.close();
    }
    expect(smtp.received.map((m) => m.to[0])).toEqual(['lead0@example.com', 'lead1@example.com', 'lead2@example.com']);
    expect(smtp.connections - before).toBe(1);
  });

  it('gives up on a server that never greets after its timeout, as a temporary failure', async () => {
    // Accepts the connection and says nothing: without the greeting timeout a send would hang for minutes.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const mailer = new Mailer({ smtpUrl: `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`, from: 'sales@example.com', timeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(mailer.send(email(9))).rejects.toMatchObject({ code: 'TEMPORARY' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      mailer.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
