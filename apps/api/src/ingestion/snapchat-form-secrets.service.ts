import { Injectable, Logger } from '@nestjs/common';
import { PrismaClient } from '@leadflow/db';

const REFRESH_MS = 30_000;

/**
 * Snapchat gives every form's webhook integration its own hmac_secret. They are few and read on
 * every Snapchat delivery, so they are held in memory and re-read every 30 s (at once on change).
 */
@Injectable()
export class SnapchatFormSecrets {
  private readonly logger = new Logger(SnapchatFormSecrets.name);
  private secrets = new Map<string, string>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(private readonly prisma: PrismaClient) {}

  async secretFor(formId: string | undefined): Promise<string | undefined> {
    if (Date.now() - this.loadedAt > REFRESH_MS) {
      // Only the very first load is awaited; later refreshes happen behind the current answer.
      const refresh = this.refresh();
      if (this.loadedAt === 0) await refresh;
    }
    return formId ? this.secrets.get(formId) : undefined;
  }

  async list(): Promise<{ formId: string; updatedAt: Date }[]> {
    return this.prisma.snapchatFormSecret.findMany({ select: { formId: true, updatedAt: true }, orderBy: { formId: 'asc' } });
  }

  async put(formId: string, hmacSecret: string): Promise<void> {
    await this.prisma.snapchatFormSecret.upsert({ where: { formId }, create: { formId, hmacSecret }, update: { hmacSecret } });
    await this.refresh(true);
  }

  async remove(formId: string): Promise<boolean> {
    const { count } = await this.prisma.snapchatFormSecret.deleteMany({ where: { formId } });
    await this.refresh(true);
    return count > 0;
  }

  private refresh(force = false): Promise<void> {
    if (this.loading && !force) return this.loading;
    const loading = this.prisma.snapchatFormSecret
      .findMany({ select: { formId: true, hmacSecret: true } })
      .then((rows) => {
        this.secrets = new Map(rows.map((row) => [row.formId, row.hmacSecret]));
        this.loadedAt = Date.now();
      })
      .catch((error: Error) => {
        // Keep the last known secrets; the account-wide secret still verifies meanwhile.
        this.logger.warn(`could not read Snapchat form secrets: ${error.message}`);
        this.loadedAt = Date.now() - REFRESH_MS / 2;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    this.loading = loading;
    return loading;
  }
}
