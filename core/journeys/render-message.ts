import type { TemplateConfig, TemplatesConfig } from '#config/journeys-schema';
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

/** A template's HTML with its `{{variable}}` placeholders (and `{{__unsubscribeUrl}}` in the footer) kept. */
export type CompileTemplate = (template: TemplateConfig, withUnsubscribe: boolean) => Promise<string>;

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

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A template's identity for lookups: its content, so a template changed after compiling is never matched. */
const contentKey = (template: TemplateConfig) => JSON.stringify(template);

/**
 * A compiler that only looks up HTML compiled ahead of time for these templates. A template that was not
 * compiled (or was changed since) fails with TemplateRenderError instead of sending stale HTML.
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
  return async (template, withUnsubscribe) => {
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
 * A template as a responsive HTML email (compiled by `compile`) and its plain-text twin. Variable values are
 * HTML-escaped in the HTML part. With `unsubscribeUrl`, both parts show a visible unsubscribe link and the headers
 * carry `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058 one click).
 */
export async function renderMessage(
  compile: CompileTemplate,
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
