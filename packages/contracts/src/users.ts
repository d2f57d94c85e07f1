/** admin: everything · manager: their branch's leads and teams · agent: the leads assigned to them. */
export const USER_ROLES = ['admin', 'manager', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  active: boolean;
  /** The employee this user is (agents: required; their leads are this employee's). */
  employeeId?: string;
  /** The branch a manager manages. */
  branchId?: string;
  lastLoginAt?: string;
  createdAt: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface LoginResponse {
  /** Send as `Authorization: Bearer <accessToken>` (or `?access_token=` on the event stream). */
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
  user: User;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  userId: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** The key itself is in this answer only: it is stored hashed. */
export interface ApiKeyCreated extends ApiKeySummary {
  key: string;
}

/** POST /crm/users (PATCH takes any subset). */
export interface CreateUserRequest {
  email: string;
  name: string;
  role: UserRole;
  password: string;
  employeeId?: string | null;
  branchId?: string | null;
  active?: boolean;
}
export type UpdateUserRequest = Partial<CreateUserRequest>;

/** POST /crm/api-keys */
export interface CreateApiKeyRequest {
  name: string;
}
