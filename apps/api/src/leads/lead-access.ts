import type { Prisma } from '@leadflow/db';
import type { Principal } from '../auth/principal.js';

const NOTHING = '00000000-0000-0000-0000-000000000000';

/**
 * The leads a principal may see: admins all, managers their branch's, agents those assigned to
 * their employee. Every lead query goes through this, so a lead outside it is simply not found (404).
 */
export function leadScope(principal: Principal): Prisma.LeadWhereInput {
  if (principal.role === 'admin') return {};
  if (principal.role === 'manager') return { branchId: principal.branchId ?? NOTHING };
  return { assigneeId: principal.employeeId ?? NOTHING };
}
