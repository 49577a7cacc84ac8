import type { BrandConfig } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import type { Account } from '#core/accounts';
import type { Recipient } from './messages.ts';
import type { MilestoneCheck } from './milestone-status.ts';

export type TemplateVariables = Record<string, string>;

/**
 * Every variable a template may name, and where it is defined. A template is validated against the places it is
 * sent from (config/template-checks.ts): a variable that would be undefined there is refused then, so nothing is
 * ever rendered blank.
 * - `account`: always (the account, the recipient, the account's health).
 * - `milestone`: in a milestone journey's messages. `reachedDay` only where the milestone was reached
 *   (`onAchieved`), `nextDueDay` only for a milestone with a next one, `valuePercent` only for a value milestone.
 * - `review`: in a review invitation (a play of kind `invitation`).
 * - `brand`: when the config's `brand` sets it.
 */
export const TEMPLATE_VARIABLES = {
  accountName: { source: 'account', means: "the account's name" },
  contactName: { source: 'account', means: "the recipient's first name" },
  csmName: { source: 'account', means: "the account's CSM" },
  renewalDate: { source: 'account', means: 'the contract renewal date, YYYY-MM-DD' },
  healthScore: { source: 'account', means: 'the health score, 0-100, or n/a before the first score' },
  healthBand: { source: 'account', means: 'green, yellow, red or unknown' },
  milestoneLabel: { source: 'milestone', means: "the milestone's label" },
  dueDay: { source: 'milestone', means: 'the day after go-live the milestone is due' },
  daysLive: { source: 'milestone', means: 'days since go-live' },
  reachedDay: { source: 'milestone', means: 'the day after go-live it was reached (onAchieved only)' },
  nextDueDay: { source: 'milestone', means: "the next milestone's due day (not for the last milestone)" },
  valuePercent: { source: 'milestone', means: "a value milestone's target percent (value milestones only)" },
  reviewTitle: {
    source: 'review',
    means: "the review's title, e.g. Annual Customer Review: Acme (invitations)",
  },
  reviewWhen: {
    source: 'review',
    means: 'when the review is proposed, e.g. 2026-09-16 at 15:00 UTC (invitations)',
  },
  productName: { source: 'brand', means: 'brand.productName' },
  appUrl: { source: 'brand', means: 'brand.appUrl' },
  senderName: { source: 'brand', means: 'brand.senderName' },
  logoUrl: { source: 'brand', means: 'brand.logoUrl' },
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

export const isTemplateVariable = (name: string): name is TemplateVariable => name in TEMPLATE_VARIABLES;

/** The `{{name}}` placeholders of a text, in order of appearance (repeats kept). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '');
}

/** The brand's variables: only those the config sets. */
export function brandVariables(brand: BrandConfig = {}): Partial<Record<TemplateVariable, string>> {
  return {
    ...(brand.productName ? { productName: brand.productName } : {}),
    ...(brand.appUrl ? { appUrl: brand.appUrl } : {}),
    ...(brand.senderName ? { senderName: brand.senderName } : {}),
    ...(brand.logoUrl ? { logoUrl: brand.logoUrl } : {}),
  };
}

/** What a milestone message knows about its milestone beyond the check: a value milestone's target percent. */
export interface MilestoneFacts {
  valuePercent?: number;
}

/** A milestone's facts from the journey baseline: a value milestone's `atLeastPercent`. */
export function milestoneFacts(config: Config, milestoneId: string): MilestoneFacts {
  const detect = config.journeyBaseline.milestones.find((m) => m.id === milestoneId)?.detect;
  return detect?.kind === 'value' ? { valuePercent: detect.atLeastPercent } : {};
}

export interface VariableSources {
  account: Pick<Account, 'id' | 'name' | 'csm' | 'contract'>;
  recipient: Recipient;
  health: { score: number | null; band: string };
  check?: MilestoneCheck;
  milestone?: MilestoneFacts;
  /** A review being proposed: its title and when (review invitations). */
  review?: { title: string; when: string };
  brand?: BrandConfig;
}

/**
 * The variables of one message: only those defined for it (see TEMPLATE_VARIABLES). A placeholder whose variable
 * is missing is left visible by fillIn, never blanked; validation keeps that from happening to a valid config.
 */
export function templateVariables(sources: VariableSources): TemplateVariables {
  const { account, recipient, health, check, milestone } = sources;
  const variables: TemplateVariables = {
    accountName: account.name,
    contactName: recipient.name.split(' ')[0] ?? recipient.name,
    csmName: account.csm.name,
    renewalDate: account.contract.renewalDate,
    healthScore: health.score === null ? 'n/a' : String(Math.round(health.score)),
    healthBand: health.band,
    ...brandVariables(sources.brand),
  };
  if (check) {
    variables.milestoneLabel = check.label;
    variables.dueDay = String(check.dueDay);
    variables.daysLive = String(check.daysLive);
    if (check.reachedDay !== null) variables.reachedDay = String(check.reachedDay);
    if (check.nextDueDay !== null) variables.nextDueDay = String(check.nextDueDay);
  }
  if (milestone?.valuePercent !== undefined) variables.valuePercent = String(milestone.valuePercent);
  if (sources.review) {
    variables.reviewTitle = sources.review.title;
    variables.reviewWhen = sources.review.when;
  }
  return variables;
}

/** Replaces `{{name}}` placeholders; an unknown name is left visible rather than silently blanked. */
export function fillIn(
  text: string,
  variables: TemplateVariables,
  encode: (value: string) => string = (v) => v,
) {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = variables[name];
    return value === undefined ? whole : encode(value);
  });
}
