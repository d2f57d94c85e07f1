import { describe, expect, it } from '@jest/globals';
import { oursIsLater, statusesForOdoo } from './odoo-changes.js';

const MAP = { new: 'New', contacted: 'New', qualified: 'Qualified', proposal: 'Proposition', won: 'Won' };

describe('reading Odoo positions back as our statuses', () => {
  it('reads a stage through the map, several statuses sharing one furthest along first', () => {
    expect(statusesForOdoo({ active: true, stage: { name: 'Qualified', isWon: false } }, MAP)).toEqual(['qualified']);
    expect(statusesForOdoo({ active: true, stage: { name: 'new', isWon: false } }, MAP)).toEqual(['contacted', 'new']);
  });

  it('takes archived as lost and a won stage as won, whatever its name', () => {
    expect(statusesForOdoo({ active: false, stage: { name: 'Qualified', isWon: false } }, MAP)).toEqual(['lost']);
    expect(statusesForOdoo({ active: true, stage: { name: 'Signed', isWon: true } }, MAP)).toEqual(['won']);
  });

  it('knows nothing of a stage the map does not name', () => {
    expect(statusesForOdoo({ active: true, stage: { name: 'Negotiation', isWon: false } }, MAP)).toEqual([]);
    expect(statusesForOdoo({ active: true }, MAP)).toEqual([]);
  });
});

describe('the later change wins', () => {
  const odoo = new Date('2026-11-21T09:00:05.000Z'); // write_date has whole seconds
  it('compares at whole seconds, a tie going to Odoo', () => {
    expect(oursIsLater(new Date('2026-11-21T09:00:06.001Z'), odoo)).toBe(true);
    expect(oursIsLater(new Date('2026-11-21T09:00:05.900Z'), odoo)).toBe(false);
    expect(oursIsLater(new Date('2026-11-21T09:00:04.000Z'), odoo)).toBe(false);
  });
});
