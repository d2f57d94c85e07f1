import { IntegrationError } from '@leadflow/integration-common';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailerConfig {
  /** `smtp://host:587`, `smtps://user:pass@host:465` */
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Our own Message-ID (`<run-…@leadflow>`), so a resend is recognisable downstream. */
  messageId: string;
  language: string;
}

const SERVICE = 'email';

// SMTP reply codes: 4xx are "try again later" by definition; 5xx are refusals.
function classify(error: unknown): IntegrationError {
  const e = error as Error & { responseCode?: number; code?: string };
  if (e.responseCode && e.responseCode >= 500) {
    return new IntegrationError(SERVICE, e.responseCode === 535 || e.responseCode === 530 ? 'AUTH' : 'INVALID', e.message, { responseCode: e.responseCode });
  }
  if (e.code === 'EAUTH') return new IntegrationError(SERVICE, 'AUTH', e.message);
  return new IntegrationError(SERVICE, 'TEMPORARY', e.message, { responseCode: e.responseCode, code: e.code });
}

/** Sends over SMTP with one pooled nodemailer transport per process. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: MailerConfig) {
    // Options in the object (the URL's own settings win): a second argument would only be message defaults.
    // Pooled: connections are kept and reused (no TCP + TLS handshake and login per email).
    this.transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    } as object);
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string; accepted: string[] }> {
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId: email.messageId,
        headers: { 'Content-Language': email.language },
      });
      return { messageId: info.messageId, accepted: (info.accepted as string[]).map(String) };
    } catch (error) {
      throw classify(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}
