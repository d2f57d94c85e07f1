import { Injectable, NotFoundException } from '@nestjs/common';
import type { InboundEvent } from '@leadflow/contracts';
import { Prisma, PrismaClient, type InboundEvent as InboundEventRow } from '@leadflow/db';
import { normalizeLeadJobId, outboxMessage } from '@leadflow/queue';
import { pageBy } from '../common/cursor.js';
import type { ListInboundEventsQuery } from './dto/inbound-event.dto.js';

function toInboundEvent(row: InboundEventRow): InboundEvent {
  return {
    id: row.id,
    platform: row.platform,
    externalId: row.externalId,
    status: row.status,
    attempts: row.attempts,
    replayCount: row.replayCount,
    lastError: row.lastError ?? undefined,
    leadId: row.leadId ?? undefined,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString(),
  };
}

/** Stored lead notifications: what came in, what became of it, and replay of any of them. */
@Injectable()
export class InboundEventsService {
  constructor(
    private readonly prisma: PrismaClient,
  ) {}

  async list(query: ListInboundEventsQuery): Promise<{ data: InboundEvent[]; nextCursor: string | null }> {
    const where: Prisma.InboundEventWhereInput = { status: query.status, platform: query.platform };
    const page = await pageBy('receivedAt', query, ({ after, orderBy, take }) => this.prisma.inboundEvent.findMany({ where: { ...where, ...after }, orderBy, take }));
    return { data: page.rows.map(toInboundEvent), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<InboundEvent> {
    const row = await this.prisma.inboundEvent.findUnique({ where: { id } });
    if (!row) throw new NotFoundException(`inbound event ${id} does not exist`);
    return toInboundEvent(row);
  }

  /**
   * Runs a stored notification through today's code again (after a fix, a new token, a dead
   * letter). The lead is updated in place, never duplicated: it is unique on platform + lead id.
   */
  async replay(id: string): Promise<InboundEvent> {
    const row = await this.prisma.$transaction(async (tx) => {
      const event = await tx.inboundEvent
        .update({ where: { id }, data: { status: 'received', replayCount: { increment: 1 }, lastError: null } })
        .catch((error: unknown) => {
          if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') throw new NotFoundException(`inbound event ${id} does not exist`);
          throw error;
        });
      await tx.outboxMessage.create({ data: outboxMessage('normalize-lead', { inboundEventId: id }, normalizeLeadJobId(id, event.replayCount)) });
      return event;
    });
    return toInboundEvent(row);
  }
}
