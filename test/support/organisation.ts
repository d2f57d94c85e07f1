import { expect } from '@jest/globals';
import { call, type Stack } from './stack.js';

/** Every day, all day: whoever is active and under capacity is eligible whenever a test runs. */
export const ALWAYS_OPEN = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]));

/** POSTs through the real API and returns the created record (failing the test on any error). */
export async function create<T = any>(stack: Stack, path: string, body: unknown): Promise<T> {
  const res = await call(stack, 'POST', path, { headers: stack.auth, body });
  expect({ path, status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res.body as T;
}

export async function branch(stack: Stack, name: string, extra: Record<string, unknown> = {}) {
  return create(stack, '/crm/branches', { name, timezone: 'Asia/Riyadh', workingHours: ALWAYS_OPEN, ...extra });
}

export async function team(stack: Stack, branchId: string, name: string, extra: Record<string, unknown> = {}) {
  return create(stack, '/crm/teams', { branchId, name, ...extra });
}

export async function employee(stack: Stack, teamId: string, name: string, extra: Record<string, unknown> = {}) {
  return create(stack, '/crm/employees', { teamId, name, languages: ['ar', 'en'], capacity: 100, ...extra });
}

export async function rule(stack: Stack, body: Record<string, unknown>) {
  return create(stack, '/crm/routing/rules', { strategy: 'round_robin', ...body });
}

/** Creates a user through the API and signs in; returns their Authorization header. */
export async function signedIn(stack: Stack, user: { role: 'admin' | 'manager' | 'agent'; employeeId?: string; branchId?: string; email?: string }): Promise<Record<string, string>> {
  const email = user.email ?? `${user.role}-${Math.random().toString(36).slice(2, 8)}@test.leadflow`;
  const password = 'a-test-password-123';
  await create(stack, '/crm/users', { email, name: email.split('@')[0], password, ...user });
  const res = await call(stack, 'POST', '/crm/auth/login', { body: { email, password } });
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${res.body.accessToken}` };
}
