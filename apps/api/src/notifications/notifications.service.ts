import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@leadflow/application';
import type { Notification, NotificationCategory } from '@leadflow/contracts';
import { PrismaClient, type Notification as NotificationRow, type Prisma } from '@leadflow/db';
import type { Principal } from '../auth/principal.js';
import { pageBy } from '../common/cursor.js';
import type { ListNotificationsQuery } from './notification.dto.js';

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    employeeId: row.employeeId ?? undefined,
    userId: row.userId ?? undefined,
    category: row.category as NotificationCategory,
    title: row.title,
    body: row.body,
    leadId: row.leadId ?? undefined,
    readAt: row.readAt?.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/** A user's notifications: those for them and those for the employee they are. */
export function recipientOf(principal: Principal): Prisma.NotificationWhereInput {
  const mine: Prisma.NotificationWhereInput[] = [];
  if (principal.userId) mine.push({ userId: principal.userId });
  if (principal.employeeId) mine.push({ employeeId: principal.employeeId });
  return mine.length ? { OR: mine } : { id: '00000000-0000-0000-0000-000000000000' };
}

@Injectable()
export class NotificationsService {
  constructor(private readonly prisma: PrismaClient) {}

  async list(query: ListNotificationsQuery, principal: Principal): Promise<{ data: Notification[]; nextCursor: string | null; unreadCount: number }> {
    const where: Prisma.NotificationWhereInput = { AND: [recipientOf(principal), query.unread ? { readAt: null } : {}] };
    const [page, unreadCount] = await Promise.all([
      pageBy('createdAt', query, ({ after, orderBy, take }) => this.prisma.notification.findMany({ where: { AND: [where, after] }, orderBy, take })),
      this.prisma.notification.count({ where: { AND: [recipientOf(principal), { readAt: null }] } }),
    ]);
    return { data: page.rows.map(toNotification), nextCursor: page.nextCursor, unreadCount };
  }

  async markRead(id: string, principal: Principal): Promise<Notification> {
    const row = await this.prisma.notification.findFirst({ where: { AND: [{ id }, recipientOf(principal)] } });
    if (!row) throw new NotFoundError(`notification ${id} does not exist`);
    return toNotification(row.readAt ? row : await this.prisma.notification.update({ where: { id }, data: { readAt: new Date() } }));
  }

  async markAllRead(principal: Principal): Promise<number> {
    const { count } = await this.prisma.notification.updateMany({ where: { AND: [recipientOf(principal), { readAt: null }] }, data: { readAt: new Date() } });
    return count;
  }
}
