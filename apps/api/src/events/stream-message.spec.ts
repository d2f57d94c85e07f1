import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../auth/principal.js';
import { isAfter, parsePosition, sseFrame, visibleTo, type StreamMessage } from './stream-message.js';

const agent: Principal = { kind: 'user', userId: 'u-sara', role: 'agent', name: 'Sara', employeeId: 'e-sara' };
const manager: Principal = { kind: 'user', userId: 'u-mgr', role: 'manager', name: 'Noura', branchId: 'b-riyadh' };
const admin: Principal = { kind: 'bootstrap', role: 'admin', name: 'admin' };
const leadChange: StreamMessage = { id: '900-12', kind: 'lead.assigned', leadId: 'l1', branchId: 'b-riyadh', employeeId: 'e-sara', payload: {}, createdAt: '2026-11-21T10:00:00.000Z' };

describe('stream positions', () => {
  it('parses <tx>-<id> and nothing else', () => {
    expect(parsePosition('900-12')).toEqual({ tx: 900n, id: 12n });
    expect(parsePosition(' 18446744073709551615-1 ')).toEqual({ tx: 18446744073709551615n, id: 1n });
    for (const bad of [undefined, '', '12', '-1-2', 'a-b', '1-2-3']) expect(parsePosition(bad)).toBeUndefined();
  });

  it('orders by transaction first, then row id', () => {
    expect(isAfter({ tx: 901n, id: 1n }, { tx: 900n, id: 50n })).toBe(true);
    expect(isAfter({ tx: 900n, id: 13n }, { tx: 900n, id: 12n })).toBe(true);
    expect(isAfter({ tx: 900n, id: 12n }, { tx: 900n, id: 12n })).toBe(false);
    expect(isAfter({ tx: 899n, id: 99n }, { tx: 900n, id: 1n })).toBe(false);
  });
});

describe('visibleTo', () => {
  it('follows the lead scope: the assignee, the branch manager, admins', () => {
    expect(visibleTo(agent, leadChange)).toBe(true);
    expect(visibleTo({ ...agent, employeeId: 'e-omar' }, leadChange)).toBe(false);
    expect(visibleTo(manager, leadChange)).toBe(true);
    expect(visibleTo({ ...manager, branchId: 'b-jeddah' }, leadChange)).toBe(false);
    expect(visibleTo(admin, leadChange)).toBe(true);
    expect(visibleTo(manager, { ...leadChange, branchId: undefined })).toBe(false);
  });

  it('sends a notification only to its recipient, admins included', () => {
    const toSara: StreamMessage = { ...leadChange, kind: 'notification', branchId: undefined };
    expect(visibleTo(agent, toSara)).toBe(true);
    expect(visibleTo(admin, toSara)).toBe(false);
    expect(visibleTo(manager, toSara)).toBe(false);
    expect(visibleTo(manager, { ...toSara, employeeId: undefined, userId: 'u-mgr' })).toBe(true);
  });
});

describe('sseFrame', () => {
  it('writes id, event and one line of JSON without the routing fields', () => {
    const frame = sseFrame({ ...leadChange, payload: { note: 'line one\nline two' } });
    expect(frame).toBe('id: 900-12\nevent: lead.assigned\ndata: {"id":"900-12","kind":"lead.assigned","leadId":"l1","payload":{"note":"line one\\nline two"},"createdAt":"2026-11-21T10:00:00.000Z"}\n\n');
  });
});
