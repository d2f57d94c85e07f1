import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from '@leadflow/contracts';

/** Who is calling, as resolved from their token or key. */
export interface Principal {
  /** `user` (token or API key) or `bootstrap` (ADMIN_API_KEY, before any user exists). */
  kind: 'user' | 'bootstrap';
  userId?: string;
  role: UserRole;
  name: string;
  /** Agents: the employee whose leads they see. */
  employeeId?: string;
  /** Managers: the branch they see. */
  branchId?: string;
}

export const ROLES = Symbol('ROLES');

/** Restricts a controller or route to these roles (the default is any signed-in user). */
export const Roles = (...roles: UserRole[]): ClassDecorator & MethodDecorator => SetMetadata(ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<{ principal: Principal }>().principal);

/** The actor written on the timeline for what this principal does. */
export function actorOf(principal: Principal): string {
  return principal.kind === 'bootstrap' ? 'admin' : `user:${principal.userId}`;
}
