import { describe, expect, it } from '@jest/globals';
import { renderTemplate } from './template.js';

describe('renderTemplate', () => {
  it('fills placeholders from nested values and leaves unknown ones empty', () => {
    const context = { lead: { contact: { fullName: 'سارة الحربي', phone: '+966551234567' } }, assignee: { name: 'Omar' } };
    expect(renderTemplate('New lead {{ lead.contact.fullName }} ({{lead.contact.phone}}) for {{assignee.name}}{{lead.nope.deeper}}', context)).toBe(
      'New lead سارة الحربي (+966551234567) for Omar',
    );
    expect(renderTemplate('[{{constructor}}{{__proto__.toString}}]', context)).toBe('[]');
  });
});
