import { renderTemplate } from '@leadflow/domain';

/** A message in one language: subject, heading and paragraphs with `{{placeholders}}`. */
interface EmailCopy {
  subject: string;
  heading: string;
  paragraphs: string[];
  signOff: string;
}

export type EmailTemplates = Record<string, Partial<Record<'ar' | 'en', EmailCopy>>>;

/** Built-in templates; `ar` is sent to Arabic-speaking leads, `en` to everyone else. */
export const EMAIL_TEMPLATES: EmailTemplates = {
  welcome: {
    ar: {
      subject: 'شكراً لاهتمامك يا {{lead.firstName}}',
      heading: 'أهلاً {{lead.firstName}}،',
      paragraphs: ['شكراً لتواصلك معنا بخصوص {{lead.campaignName}}.', 'سيتصل بك {{assignee.name}} من فرع {{branch.name}} قريباً للإجابة على أسئلتك.'],
      signOff: 'مع أطيب التحيات',
    },
    en: {
      subject: 'Thank you for your interest, {{lead.firstName}}',
      heading: 'Hello {{lead.firstName}},',
      paragraphs: ['Thank you for getting in touch about {{lead.campaignName}}.', '{{assignee.name}} from our {{branch.name}} branch will call you shortly to answer your questions.'],
      signOff: 'Kind regards',
    },
  },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface RenderedEmail {
  language: 'ar' | 'en';
  subject: string;
  html: string;
  text: string;
}

/**
 * Renders a template in the lead's language: Arabic is laid out right to left (`dir="rtl"`) with
 * fonts that have Arabic glyphs. Values from the lead are escaped in the HTML; they are data, never markup.
 */
export function renderEmail(templates: EmailTemplates, name: string, leadLanguage: string | undefined, context: Record<string, unknown>): RenderedEmail {
  const copies = templates[name];
  if (!copies) throw new Error(`email template "${name}" does not exist (known: ${Object.keys(templates).join(', ')})`);
  const language = leadLanguage === 'ar' && copies.ar ? 'ar' : copies.en ? 'en' : 'ar';
  const copy = copies[language]!;
  const rtl = language === 'ar';
  const font = rtl ? "Tahoma, 'Segoe UI', 'Noto Naskh Arabic', 'Geeza Pro', Arial, sans-serif" : "'Segoe UI', Helvetica, Arial, sans-serif";
  const subject = renderTemplate(copy.subject, context).replace(/\s+/g, ' ').trim();
  const lines = [renderTemplate(copy.heading, context), ...copy.paragraphs.map((p) => renderTemplate(p, context)), renderTemplate(copy.signOff, context)];
  const html = [
    '<!doctype html>',
    `<html lang="${language}" dir="${rtl ? 'rtl' : 'ltr'}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:24px;font-family:${font};font-size:16px;line-height:1.7;text-align:${rtl ? 'right' : 'left'};direction:${rtl ? 'rtl' : 'ltr'}">`,
    ...lines.map((line, i) => (i === 0 ? `<h1 style="font-size:20px">${escapeHtml(line)}</h1>` : `<p>${escapeHtml(line)}</p>`)),
    '</body></html>',
  ].join('\n');
  return { language, subject, html, text: lines.join('\n\n') };
}
