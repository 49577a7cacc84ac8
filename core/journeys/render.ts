import mjml2html from 'mjml';
import * as z from 'zod';
import type { BrandConfig, TemplateConfig, TemplatesConfig } from '#config/journeys-schema';
import {
  actionUrl,
  type CompiledTemplates,
  type CompileTemplate,
  escapeHtml,
  type RenderedMessage,
  renderMessage,
  TemplateRenderError,
  UNSUBSCRIBE_PLACEHOLDER,
} from './render-message.ts';
import type { TemplateVariables } from './variables.ts';

/**
 * The MJML compiler of templates, for the CLI (`templates preview`), the local stack, simulation and the bundling
 * step that compiles a function's templates (scripts/bundle-config.ts). Lambda code never imports this module:
 * mjml's dependency tree is 7 MB minified. Rendering itself is core/journeys/render-message.ts.
 */

export { type RenderedMessage, TemplateRenderError } from './render-message.ts';

const mjmlResult = z.object({
  html: z.string(),
  errors: z.array(z.object({ formattedMessage: z.string().optional(), message: z.string().optional() })),
});

const compiled = new WeakMap<TemplateConfig, Map<string, Promise<string>>>();

/**
 * MJML to HTML once per template, brand and footer (with or without unsubscribe), placeholders kept for fillIn.
 */
export const mjmlCompiler: CompileTemplate = (template, withUnsubscribe, brand) => {
  let byLayout = compiled.get(template);
  if (!byLayout) {
    byLayout = new Map();
    compiled.set(template, byLayout);
  }
  const layout = `${withUnsubscribe}${JSON.stringify(brand)}`;
  let html = byLayout.get(layout);
  if (!html) {
    html = compileMjml(template, withUnsubscribe, brand);
    byLayout.set(layout, html);
    html.catch(() => byLayout?.delete(layout));
  }
  return html;
};

/** The brand's part of the layout: its logo on top, its product name in the footer. */
function brandParts(brand: BrandConfig) {
  const name = brand.productName ? escapeHtml(brand.productName) : undefined;
  return {
    logo: brand.logoUrl
      ? `    <mj-section background-color="#ffffff" padding="16px 24px 0"><mj-column><mj-image src="${escapeHtml(brand.logoUrl)}" alt="${name ?? ''}" width="120px" align="left" padding="0" /></mj-column></mj-section>\n`
      : '',
    about: name ? `your onboarding with ${name}` : 'your onboarding',
  };
}

async function compileMjml(
  template: TemplateConfig,
  withUnsubscribe: boolean,
  brand: BrandConfig,
): Promise<string> {
  const url = actionUrl(template, brand);
  const action = template.action && url ? { label: template.action.label, url } : undefined;
  const { logo, about } = brandParts(brand);
  const mjml = `<mjml>
  <mj-head>
    <mj-title>${template.subject}</mj-title>
    <mj-preview>${template.preheader}</mj-preview>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f5">
${logo}    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold">${template.heading}</mj-text>
${template.paragraphs.map((p) => `        <mj-text font-size="15px" line-height="1.5">${p}</mj-text>`).join('\n')}
${action ? `        <mj-button href="${action.url}" background-color="#2563eb">${action.label}</mj-button>` : ''}
      </mj-column>
    </mj-section>
${
  withUnsubscribe
    ? `    <mj-section><mj-column><mj-text font-size="12px" color="#71717a" align="center">You get these emails about ${about}. <a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></mj-text></mj-column></mj-section>`
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

/** Every template compiled with and without the unsubscribe footer, as a function bundle carries them. */
export async function compileTemplates(
  templates: TemplatesConfig,
  brand: BrandConfig,
): Promise<CompiledTemplates> {
  const compiled: CompiledTemplates = {};
  for (const [id, template] of Object.entries(templates)) {
    try {
      compiled[id] = {
        html: await mjmlCompiler(template, false, brand),
        htmlWithUnsubscribe: await mjmlCompiler(template, true, brand),
      };
    } catch (error) {
      throw new TemplateRenderError(
        `templates.${id}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return compiled;
}

/** A template rendered with MJML compiled on the spot (cached per template); see renderMessage. */
export function renderTemplate(
  template: TemplateConfig,
  variables: TemplateVariables,
  unsubscribeUrl?: string,
  brand: BrandConfig = {},
): Promise<RenderedMessage> {
  return renderMessage(mjmlCompiler, template, variables, unsubscribeUrl, brand);
}
