import { describe, expect, it } from '@jest/globals';
import { EMAIL_TEMPLATES, renderEmail } from './email-templates.js';

const context = { lead: { firstName: '<b>Sara</b>', campaignName: 'Villas & more' }, assignee: { name: 'Omar' }, branch: { name: 'Riyadh' } };

describe('renderEmail', () => {
  it('writes Arabic right to left with Arabic-capable fonts', () => {
    const email = renderEmail(EMAIL_TEMPLATES, 'welcome', 'ar', context);
    expect(email.language).toBe('ar');
    expect(email.html).toContain('<html lang="ar" dir="rtl">');
    expect(email.html).toMatch(/font-family:Tahoma[^"]*Noto Naskh Arabic[^"]*;[^"]*text-align:right;direction:rtl/);
    expect(email.subject).toBe('شكراً لاهتمامك يا <b>Sara</b>');
  });

  it('escapes values in the HTML and uses English for other languages', () => {
    const email = renderEmail(EMAIL_TEMPLATES, 'welcome', 'fr', context);
    expect(email.language).toBe('en');
    expect(email.html).toContain('<html lang="en" dir="ltr">');
    expect(email.html).toContain('Hello &lt;b&gt;Sara&lt;/b&gt;,');
    expect(email.html).toContain('Villas &amp; more');
    expect(email.html).not.toContain('<b>Sara</b>');
    expect(email.text).toContain('Hello <b>Sara</b>,'); // the text part is not HTML
  });

  it('refuses an unknown template', () => {
    expect(() => renderEmail(EMAIL_TEMPLATES, 'nope', 'en', context)).toThrow('email template "nope" does not exist (known: welcome)');
  });
});
