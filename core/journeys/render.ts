import mjml2html from 'mjml';
import { z } from 'zod';
import type { TemplateConfig } from '#config/journeys-schema';
import { fillIn, type TemplateVariables } from './variables.ts';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** Headers for one-click unsubscribe (RFC 8058), empty when the message has no unsubscribe URL. */
  headers: { name: string; value: string }[];
}

const mjmlResult = z.object({
  html: z.string(),
  errors: z.array(z.object({ formattedMessage: z.string().optional(), message: z.string().optional() })),
});

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

const UNSUBSCRIBE = '{{__unsubscribeUrl}}';
const compiled = new WeakMap<TemplateConfig, Map<boolean, Promise<string>>>();

/** MJML to HTML once per template (and with or without the unsubscribe footer), placeholders kept for fillIn. */
function compile(template: TemplateConfig, withUnsubscribe: boolean): Promise<string> {
  let byFooter = compiled.get(template);
  if (!byFooter) {
    byFooter = new Map();
    compiled.set(template, byFooter);
  }
  let html = byFooter.get(withUnsubscribe);
  if (!html) {
    html = compileMjml(template, withUnsubscribe);
    byFooter.set(withUnsubscribe, html);
    html.catch(() => byFooter?.delete(withUnsubscribe));
  }
  return html;
}

async function compileMjml(template: TemplateConfig, withUnsubscribe: boolean): Promise<string> {
  const { action } = template;
  const mjml = `<mjml>
  <mj-head>
    <mj-title>${template.subject}</mj-title>
    <mj-preview>${template.preheader}</mj-preview>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f5">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold">${template.heading}</mj-text>
${template.paragraphs.map((p) => `        <mj-text font-size="15px" line-height="1.5">${p}</mj-text>`).join('\n')}
${action ? `        <mj-button href="${action.url}" background-color="#2563eb">${action.label}</mj-button>` : ''}
      </mj-column>
    </mj-section>
${
  withUnsubscribe
    ? `    <mj-section><mj-column><mj-text font-size="12px" color="#71717a" align="center">You get these emails about your onboarding. <a href="${UNSUBSCRIBE}">Unsubscribe</a></mj-text></mj-column></mj-section>`
    : ''
}
  </mj-body>
</mjml>`;
  const parsed = mjmlResult.safeParse(await mjml2html(mjml, { validationLevel: 'soft' }));
  if (!parsed.success)
    throw new TemplateRenderError(`mjml returned an unexpected result: ${parsed.error.message}`);
  if (parsed.data.errors.length > 0) {
    const first = parsed.data.errors[0];
    throw new TemplateRenderError(`mjml: ${first?.formattedMessage ?? first?.message ?? 'invalid template'}`);
  }
  return parsed.data.html;
}

/**
 * A template as a responsive HTML email (MJML, compiled once per template) and its plain-text twin. Variable
 * values are HTML-escaped in the HTML part. With `unsubscribeUrl`, both parts show a visible unsubscribe link and
 * the headers carry `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058 one click).
 */
export async function renderTemplate(
  template: TemplateConfig,
  variables: TemplateVariables,
  unsubscribeUrl?: string,
): Promise<RenderedMessage> {
  const plain = (text: string) => fillIn(text, variables);
  const subject = plain(template.subject);
  const action = template.action
    ? { label: plain(template.action.label), url: plain(template.action.url) }
    : undefined;
  const html = fillIn(
    await compile(template, unsubscribeUrl !== undefined),
    { ...variables, __unsubscribeUrl: unsubscribeUrl ?? '' },
    escapeHtml,
  );
  const text = [
    plain(template.heading),
    '',
    ...template.paragraphs.flatMap((p) => [plain(p), '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    ...(unsubscribeUrl ? ['--', `Unsubscribe: ${unsubscribeUrl}`] : []),
  ].join('\n');
  return {
    subject,
    html,
    text: text.trimEnd(),
    headers: unsubscribeUrl
      ? [
          { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ]
      : [],
  };
}
