import type { BrandConfig, TemplateConfig, TemplatesConfig } from '#config/journeys-schema';
import { fillIn, type TemplateVariables } from './variables.ts';

/**
 * Rendering a configured template into a message, without the MJML compiler: the compiler is injected. The CLI,
 * the local stack and simulation inject MJML (core/journeys/render.ts); a Lambda function injects the HTML that
 * was compiled when it was bundled (`precompiledTemplates`), so mjml and its dependency tree (7 MB minified) stay
 * out of the function.
 */

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** Headers for one-click unsubscribe (RFC 8058), empty when the message has no unsubscribe URL. */
  headers: { name: string; value: string }[];
}

/**
 * A template's HTML in the brand's layout, with its `{{variable}}` placeholders (and `{{__unsubscribeUrl}}` in the
 * footer) kept.
 */
export type CompileTemplate = (
  template: TemplateConfig,
  withUnsubscribe: boolean,
  brand: BrandConfig,
) => Promise<string>;

/** A template compiled both ways, as a function bundle carries it (see scripts/bundle-config.ts). */
export interface CompiledTemplate {
  html: string;
  htmlWithUnsubscribe: string;
}
export type CompiledTemplates = Record<string, CompiledTemplate>;

/** The placeholder the footer's unsubscribe link carries until a message is rendered. */
export const UNSUBSCRIBE_PLACEHOLDER = '{{__unsubscribeUrl}}';

export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/** Text as HTML text or attribute value. */
export const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A template's identity for lookups: its content, so a template changed after compiling is never matched. */
const contentKey = (template: TemplateConfig) => JSON.stringify(template);

/**
 * A compiler that only looks up HTML compiled ahead of time for these templates (with the bundled config's brand,
 * the only brand the function runs with). A template that was not compiled (or was changed since) fails with
 * TemplateRenderError instead of sending stale HTML.
 */
export function precompiledTemplates(
  templates: TemplatesConfig,
  compiled: CompiledTemplates,
): CompileTemplate {
  const byContent = new Map<string, CompiledTemplate>();
  for (const [id, template] of Object.entries(templates)) {
    const entry = compiled[id];
    if (entry) byContent.set(contentKey(template), entry);
  }
  return async (template, withUnsubscribe, _brand) => {
    const entry = byContent.get(contentKey(template));
    if (!entry) {
      throw new TemplateRenderError(
        `template "${template.subject}" was not compiled into this bundle; redeploy to compile the current config`,
      );
    }
    return withUnsubscribe ? entry.htmlWithUnsubscribe : entry.html;
  };
}

/**
 * The From header: the address, with `brand.senderName` as its display name when set (quoted, or as an RFC 2047
 * encoded word when it is not plain ASCII, as SES requires).
 */
export function fromHeader(address: string, brand: BrandConfig): string {
  const name = brand.senderName;
  if (!name) return address;
  const display = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/\\/g, '\\\\')}"`
    : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

/** Where a template's button goes: its own URL, else the brand's app URL; no button without either. */
export function actionUrl(template: TemplateConfig, brand: BrandConfig): string | undefined {
  return template.action ? (template.action.url ?? brand.appUrl) : undefined;
}

/**
 * A template as a responsive HTML email (compiled by `compile`, in the brand's layout) and its plain-text twin.
 * Variable values are HTML-escaped in the HTML part. With `unsubscribeUrl`, both parts show a visible unsubscribe
 * link and the headers carry `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058 one click).
 */
export async function renderMessage(
  compile: CompileTemplate,
  template: TemplateConfig,
  variables: TemplateVariables,
  unsubscribeUrl?: string,
  brand: BrandConfig = {},
): Promise<RenderedMessage> {
  const plain = (text: string) => fillIn(text, variables);
  const subject = plain(template.subject);
  const url = actionUrl(template, brand);
  const action =
    template.action && url ? { label: plain(template.action.label), url: plain(url) } : undefined;
  const html = fillIn(
    await compile(template, unsubscribeUrl !== undefined, brand),
    { ...variables, __unsubscribeUrl: unsubscribeUrl ?? '' },
    escapeHtml,
  );
  const text = [
    plain(template.heading),
    '',
    ...template.paragraphs.flatMap((p) => [plain(p), '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    ...(unsubscribeUrl || brand.productName ? ['--'] : []),
    ...(brand.productName ? [brand.productName] : []),
    ...(unsubscribeUrl ? [`Unsubscribe: ${unsubscribeUrl}`] : []),
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
