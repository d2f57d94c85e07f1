import { hashPassword } from '@leadflow/application';
import type { PrismaClient } from '@leadflow/db';

/** Every demo user signs in with this password (documented in the README). */
export const DEMO_PASSWORD = 'leadflow-demo';

/** The people who sign in to the demo, one of each role at least. */
export interface DemoUser {
  email: string;
  role: 'admin' | 'manager' | 'agent';
  /** What they see, for the README. */
  sees: string;
}

/**
 * A user for the demo admin and for every demo employee: the team managers are managers of their
 * branch, everybody else an agent. Existing users are left as they are (re-running never resets a
 * password someone changed). Returns the users that exist afterwards.
 */
export async function seedDemoUsers(prisma: PrismaClient): Promise<DemoUser[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const employees = await prisma.employee.findMany({ where: { email: { endsWith: '@demo.leadflow' } }, include: { team: true }, orderBy: { email: 'asc' } });
  const managerIds = new Set((await prisma.team.findMany({ select: { managerId: true } })).map((t) => t.managerId));
  const wanted = [
    { email: 'admin@demo.leadflow', name: 'Demo admin', role: 'admin' as const, employeeId: null, branchId: null },
    ...employees.map((e) =>
      managerIds.has(e.id)
        ? { email: e.email!, name: e.name, role: 'manager' as const, employeeId: e.id, branchId: e.team.branchId }
        : { email: e.email!, name: e.name, role: 'agent' as const, employeeId: e.id, branchId: null },
    ),
  ];
  for (const user of wanted) {
    const taken = await prisma.user.findFirst({ where: { OR: [{ email: user.email }, ...(user.employeeId ? [{ employeeId: user.employeeId }] : [])] } });
    if (!taken) await prisma.user.create({ data: { ...user, passwordHash } });
  }
  const branches = new Map((await prisma.branch.findMany()).map((b) => [b.id, b.name]));
  return wanted.map((u) => ({
    email: u.email,
    role: u.role,
    sees: u.role === 'admin' ? 'everything' : u.role === 'manager' ? `the ${branches.get(u.branchId!)} branch` : 'their own leads',
  }));
}
