import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { defaultConfig } from '#config/default';
import { loadConfigFile } from '#config/load';
import type { Config } from '#config/schema';
import { accountSchema } from '#core/accounts';
import { renderTemplate } from '#core/journeys/render';
import { templateVariables } from '#core/journeys/variables';
import { type ApiTarget, getJson } from '../api-client.ts';

/** The account as GET /v1/accounts/{id} answers it: the profile and, when scored, its health. */
const accountForPreview = accountSchema.extend({
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  health: z.looseObject({ score: z.number().nullable(), band: z.string() }).nullable(),
  healthUnavailable: z.string().optional(),
});

export interface PreviewOptions {
  template: string;
  accountId: string;
  contactId?: string;
  configFile?: string;
  out?: string;
}

/**
 * `churnguard templates preview <name> --account <id>`: renders a template for one of the account's contacts with
 * its real profile and health, read through the API (so a preview shows exactly what the workflow would send).
 * Prints subject, headers and the text part; writes the HTML to `--out` (default `<name>.<account>.html`).
 */
export async function previewTemplate(target: ApiTarget, options: PreviewOptions): Promise<string> {
  let config: Config = defaultConfig;
  if (options.configFile) {
    const loaded = await loadConfigFile(options.configFile);
    if (!loaded.ok)
      throw new Error(
        `${options.configFile}: ${loaded.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      );
    config = loaded.config;
  }
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
  const rendered = await renderTemplate(
    template,
    templateVariables({
      account,
      recipient: contact,
      health: { score: account.health?.score ?? null, band: account.health?.band ?? 'unknown' },
    }),
    `${config.messaging.publicBaseUrl}/v1/unsubscribe/preview`,
  );
  const out = options.out ?? `${options.template}.${account.id}.html`;
  await writeFile(out, rendered.html);
  return [
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
