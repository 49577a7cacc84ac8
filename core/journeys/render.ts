import mjml2html from 'mjml';
import { z } from 'zod';
import type { TemplateConfig, TemplatesConfig } from '#config/journeys-schema';
import {
  type CompiledTemplates,
  type CompileTemplate,
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

const compiled = new WeakMap<TemplateConfig, Map<boolean, Promise<string>>>();

/** MJML to HTML once per template (and with or without the unsubscribe footer), placeholders kept for fillIn. */
export const mjmlCompiler: CompileTemplate = (template, withUnsubscribe) => {
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
};

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
    ? `    <mj-section><mj-column><mj-text font-size="12px" color="#71717a" align="center">You get these emails about your onboarding. <a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></mj-text></mj-column></mj-section>`
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
export async function compileTemplates(templates: TemplatesConfig): Promise<CompiledTemplates> {
  const compiled: CompiledTemplates = {};
  for (const [id, template] of Object.entries(templates)) {
    try {
      compiled[id] = {
        html: await mjmlCompiler(template, false),
        htmlWithUnsubscribe: await mjmlCompiler(template, true),
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
): Promise<RenderedMessage> {
  return renderMessage(mjmlCompiler, template, variables, unsubscribeUrl);
}
