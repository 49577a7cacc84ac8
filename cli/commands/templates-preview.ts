import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { Config } from '#config/schema';
import { type TemplateUse, templateUses } from '#config/template-checks';
import { accountSchema } from '#core/accounts';
import { assignSegment } from '#core/health/segmentation';
import { milestoneStatus } from '#core/journeys/milestone-status';
import { renderTemplate } from '#core/journeys/render';
import { fromHeader } from '#core/journeys/render-message';
import { milestoneFacts, templateVariables } from '#core/journeys/variables';
import { type ApiTarget, getJson } from '../api-client.ts';
import { loadCliConfig } from './config-file.ts';

/** The account as GET /v1/accounts/{id} answers it: the profile and, when scored, its health. */
const accountForPreview = accountSchema.extend({
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  health: z
    .looseObject({
      score: z.number().nullable(),
      band: z.string(),
      milestones: z.array(z.object({ milestone: z.string(), day: z.string() })).optional(),
    })
    .nullable(),
  healthUnavailable: z.string().optional(),
});

export interface PreviewOptions {
  template: string;
  accountId: string;
  contactId?: string;
  /** The journey milestone to preview it for, when the template is sent at several. */
  milestone?: string;
  configFile?: string;
  out?: string;
  /** Today, for days live (tests pin it). */
  now?: Date;
}

/** The journey step to preview: the first of the account's segment (for `--milestone`, that milestone's). */
function chooseUse(uses: TemplateUse[], segment: string, milestone: string | undefined, template: string) {
  const candidates = milestone ? uses.filter((u) => u.step?.milestone === milestone) : uses;
  const use = candidates.find((u) => !u.step || u.step.segment === segment) ?? candidates[0];
  if (!use) {
    const milestones = [...new Set(uses.flatMap((u) => (u.step ? [u.step.milestone] : [])))];
    throw new Error(
      `template "${template}" is not sent at milestone "${milestone}"; it is sent at: ${milestones.join(', ') || 'no milestone'}`,
    );
  }
  return use;
}

/**
 * `churnguard templates preview <name> --account <id>`: renders a template for one of the account's contacts with
 * its real profile and health, read through the API, at the journey step that sends it (so a preview shows what
 * the workflow would send). Prints the step, From, To, subject, headers and the text part; writes the HTML to
 * `--out` (default `<name>.<account>.html`). A variable the account's state cannot give yet (the day a milestone
 * it has not reached was reached) is shown with an example value, and the preview says so.
 */
export async function previewTemplate(target: ApiTarget, options: PreviewOptions): Promise<string> {
  const { config }: { config: Config } = await loadCliConfig(options.configFile);
  const template = config.templates[options.template];
  if (!template) {
    throw new Error(
      `no template "${options.template}"; templates: ${Object.keys(config.templates).join(', ')}`,
    );
  }
  const account = await getJson(
    target,
    `/v1/accounts/${encodeURIComponent(options.accountId)}`,
    accountForPreview,
  );
  const contact = options.contactId
    ? account.contacts.find((c) => c.id === options.contactId)
    : (account.contacts.find((c) => c.role === 'admin') ?? account.contacts[0]);
  if (!contact) throw new Error(`account ${account.id} has no contact ${options.contactId ?? 'to write to'}`);
  const { segment } = assignSegment(config, account);
  const use = chooseUse(
    templateUses(config).get(options.template) ?? [],
    segment,
    options.milestone,
    options.template,
  );
  const notes: string[] = [];
  let check = use.step
    ? milestoneStatus(
        config,
        account,
        account.health?.milestones ?? [],
        use.step.milestone,
        options.now ?? new Date(),
      )
    : undefined;
  if (check && use.step?.when === 'onAchieved' && check.reachedDay === null) {
    notes.push(
      `${account.id} has not reached ${check.milestone}: reachedDay shows its due day (${check.dueDay}) as an example`,
    );
    check = { ...check, reachedDay: check.dueDay };
  }
  const rendered = await renderTemplate(
    template,
    templateVariables({
      account,
      recipient: contact,
      health: { score: account.health?.score ?? null, band: account.health?.band ?? 'unknown' },
      ...(check ? { check, milestone: milestoneFacts(config, check.milestone) } : {}),
      brand: config.brand,
    }),
    `${config.messaging.publicBaseUrl}/v1/unsubscribe/preview`,
    config.brand,
  );
  const out = options.out ?? `${options.template}.${account.id}.html`;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, rendered.html);
  return [
    `Template ${options.template}, sent from ${use.where}`,
    ...notes.map((note) => `Note: ${note}`),
    `From: ${fromHeader(config.messaging.from, config.brand)}`,
    `To: ${contact.name} <${contact.email}>`,
    `Subject: ${rendered.subject}`,
    ...rendered.headers.map((h) => `${h.name}: ${h.value}`),
    '',
    rendered.text,
    '',
    `HTML (${rendered.html.length} bytes) written to ${out}`,
    '',
  ].join('\n');
}
