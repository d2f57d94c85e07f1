import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, assertVersion, recordTimeline, retryingConflicts, transactionRetryingConflicts } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { LeadDetail, LeadPage, LeadTimelineEvent, StatusMirrorQueued } from '@leadflow/contracts';
import { Prisma, PrismaClient, type Lead } from '@leadflow/db';
import { toAsciiDigits } from '@leadflow/domain';
import { outboxMessage } from '@leadflow/queue';
import { APP_CONFIG, Metrics } from '@leadflow/runtime';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { toActionRun } from '../automations/automations.service.js';
import { pageBy } from '../common/cursor.js';
import type { ExportLeadsQuery, LeadFilters, ListLeadsQuery } from './dto/list-leads.query.js';
import { leadScope } from './lead-access.js';
import { toLead, toTimelineEvent } from './lead.presenter.js';

/** Name/email/phone search: the text as typed (NFC) in names and emails, its digits in phones. */
function searchFilter(q: string): Prisma.LeadWhereInput {
  const text = q.normalize('NFC').trim();
  const digits = toAsciiDigits(text).replace(/\D/g, '');
  const or: Prisma.LeadWhereInput[] = [
    { fullName: { contains: text, mode: 'insensitive' } },
    { email: { contains: text.toLowerCase() } },
  ];
  // Phones are stored in E.164; a local "055…" is found by its digits after the leading 0.
  if (digits.length >= 4) or.push({ phone: { contains: digits.replace(/^0+/, '') } });
  return { OR: or };
}

function filtersOf(query: LeadFilters, principal: Principal): Prisma.LeadWhereInput[] {
  const and: Prisma.LeadWhereInput[] = [
    leadScope(principal),
    {
      platform: query.platform,
      status: query.status,
      campaignId: query.campaignId,
      formId: query.formId,
      branchId: query.branchId,
      teamId: query.teamId,
      assigneeId: query.assigneeId,
      tags: query.tag ? { has: query.tag } : undefined,
      slaBreachedAt: query.slaBreached === undefined ? undefined : query.slaBreached ? { not: null } : null,
      receivedAt: query.receivedFrom || query.receivedTo ? { gte: query.receivedFrom, lt: query.receivedTo } : undefined,
    },
  ];
  if (query.q) and.push(searchFilter(query.q));
  return and;
}

/** Postgres' "canceling statement due to statement timeout". */
const STATEMENT_TIMEOUT = '57014';

function postgresCode(error: unknown): string | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause?.originalCode;
}

type PageRead = (db: Prisma.TransactionClient) => Promise<Lead[]>;

/** Prisma's interactive transactions give up sooner than a plain query (2 s for a connection, 5 s in all); a search keeps a plain query's patience. */
const SEARCH_TRANSACTION = { maxWait: 5_000, timeout: 60_000 };

const CSV_COLUMNS = ['id', 'receivedAt', 'platform', 'status', 'fullName', 'phone', 'email', 'city', 'country', 'campaignName', 'adsetName', 'adName', 'formName', 'teamId', 'assigneeId', 'tags'] as const;

/** RFC 4180: quote every field, double the quotes; a leading = + - @ is defused so spreadsheets never run it. */
function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(';') : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export interface LeadChange {
  /** The version the caller read (If-Match); a different current one is a 409. */
  expectedVersion?: string;
}

@Injectable()
export class LeadsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: ListLeadsQuery, principal: Principal): Promise<LeadPage> {
    const filters = filtersOf(query, principal);
    const direction = query.sort === 'receivedAt' ? 'asc' : 'desc';
    const page = await pageBy('receivedAt', query, ({ after, orderBy, take }) => this.read(query, (db) => db.lead.findMany({ where: { AND: [...filters, after] }, orderBy, take })), direction);
    return { data: page.rows.map(toLead), nextCursor: page.nextCursor };
  }

  /** A page of the list; a text search's page within its time budget (see `searchPage`). */
  private read(query: LeadFilters, page: PageRead): Promise<Lead[]> {
    return query.q ? this.searchPage(page) : page(this.prisma);
  }

  /**
   * A search expecting many matches is answered by walking the leads newest first and keeping the
   * ones that match, which is fast while matches are among the recent leads. When they are all old
   * (a name common only long ago, like the test leads of a form's first week) the walk passes every
   * newer lead: ~3 s on a million. So the walk gets LEADS_SEARCH_BUDGET_MS, and a page it cannot
   * fill in time is read from the trigram indexes instead (every match, then sorted: tens of ms when
   * matches are few, a few hundred ms for a word half the leads contain).
   */
  private async searchPage(page: PageRead): Promise<Lead[]> {
    try {
      return await this.pageWith(`statement_timeout = ${this.config.leadsSearchBudgetMs}`, page);
    } catch (error) {
      if (postgresCode(error) !== STATEMENT_TIMEOUT) throw error;
      this.metrics.leadsSearchFallbacks.inc();
      // No index walk: the matches come from bitmap scans of the indexes, then a sort.
      return this.pageWith('enable_indexscan = off', page);
    }
  }

  /** The page read under a Postgres setting that ends with its transaction (no pooled connection keeps it). */
  private pageWith(setting: string, page: PageRead): Promise<Lead[]> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL ${setting}`);
      return page(tx);
    }, SEARCH_TRANSACTION);
  }

  /**
   * The filtered leads as CSV, streamed page by page (memory stays flat however many there are),
   * UTF-8 with a byte order mark so Excel reads Arabic names right.
   */
  export(query: ExportLeadsQuery, principal: Principal): Readable {
    const filters = filtersOf(query, principal);
    const direction = query.sort === 'receivedAt' ? 'asc' : 'desc';
    const read = (page: PageRead) => this.read(query, page);
    async function* rows(): AsyncGenerator<string> {
      yield `\uFEFF${CSV_COLUMNS.map(csvField).join(',')}\r\n`;
      let cursor: string | undefined;
      do {
        const page = await pageBy('receivedAt', { cursor, limit: 500 }, ({ after, orderBy, take }) => read((db) => db.lead.findMany({ where: { AND: [...filters, after] }, orderBy, take })), direction);
        yield page.rows.map((lead) => `${CSV_COLUMNS.map((c) => csvField(lead[c])).join(',')}\r\n`).join('');
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return Readable.from(rows());
  }

  async get(id: string, principal: Principal): Promise<LeadDetail> {
    const row = await this.prisma.lead.findFirst({
      where: { AND: [{ id }, leadScope(principal)] },
      include: { events: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] }, assignee: true, actionRuns: { orderBy: { createdAt: 'asc' } } },
    });
    if (!row) throw new NotFoundError(`lead ${id} does not exist`);
    const others = await this.prisma.lead.findMany({
      where: { AND: [{ contactId: row.contactId, id: { not: id } }, leadScope(principal)] },
      orderBy: { receivedAt: 'desc' },
      select: { id: true, platform: true, status: true, receivedAt: true },
    });
    return {
      ...toLead(row),
      assignee: row.assignee ? { id: row.assignee.id, name: row.assignee.name, email: row.assignee.email ?? undefined, phone: row.assignee.phone ?? undefined } : undefined,
      otherLeads: others.map((o) => ({ id: o.id, platform: o.platform, status: o.status, receivedAt: o.receivedAt.toISOString() })),
      timeline: row.events.map(toTimelineEvent),
      actionRuns: row.actionRuns.map(toActionRun),
    };
  }

  /** Throws NotFound for a lead outside the principal's scope (they may not even know it exists). */
  async assertVisible(id: string, principal: Principal): Promise<void> {
    if (!(await this.prisma.lead.count({ where: { AND: [{ id }, leadScope(principal)] } }))) throw new NotFoundError(`lead ${id} does not exist`);
  }

  async addNote(id: string, body: string, principal: Principal): Promise<LeadTimelineEvent> {
    await this.assertVisible(id, principal);
    const event = await retryingConflicts(() => this.prisma.leadEvent.create({ data: { leadId: id, type: 'note', actor: actorOf(principal), payload: { body, author: principal.name } } }));
    return toTimelineEvent(event);
  }

  /**
   * The lead's current status mirrored to Odoo and its sheet row again — after a mirror that was
   * given up (Odoo's rights, an expired token) has been put right. The job writes whatever the
   * status is when it runs, so a repeat is harmless.
   */
  async resendStatus(id: string, principal: Principal): Promise<StatusMirrorQueued> {
    const lead = await this.prisma.lead.findFirst({ where: { AND: [{ id }, leadScope(principal)] }, select: { status: true } });
    if (!lead) throw new NotFoundError(`lead ${id} does not exist`);
    const jobId = `sync-status:${id}:resend:${randomUUID()}`;
    await this.prisma.outboxMessage.create({ data: outboxMessage('sync-status', { leadId: id, status: lead.status }, jobId) });
    return { jobId, status: lead.status };
  }

  async setTags(id: string, tags: string[], principal: Principal, change: LeadChange): Promise<void> {
    await transactionRetryingConflicts(this.prisma, async (tx) => {
      const [row] = await tx.$queryRaw<{ updated_at: Date; tags: string[] }[]>`SELECT updated_at, tags FROM lead WHERE id = ${id}::uuid FOR UPDATE`;
      if (!row || !(await tx.lead.count({ where: { AND: [{ id }, leadScope(principal)] } }))) throw new NotFoundError(`lead ${id} does not exist`);
      assertVersion(change.expectedVersion, row.updated_at);
      const next = [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort();
      await tx.lead.update({ where: { id }, data: { tags: next } });
      await recordTimeline(tx, [{ leadId: id, type: 'tags_changed', actor: actorOf(principal), payload: { from: row.tags, to: next } }]);
    });
  }
}
