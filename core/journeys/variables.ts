import type { Account } from '#core/accounts';
import type { Recipient } from './messages.ts';
import type { MilestoneCheck } from './milestone-status.ts';

export type TemplateVariables = Record<string, string>;

export interface VariableSources {
  account: Pick<Account, 'id' | 'name' | 'csm' | 'contract'>;
  recipient: Recipient;
  health: { score: number | null; band: string };
  check?: MilestoneCheck;
  productName?: string;
  appUrl?: string;
}

/**
 * The variables a template may use: `accountName`, `contactName`, `csmName`, `renewalDate`, `healthScore`,
 * `healthBand`, `milestoneLabel`, `dueDay`, `reachedDay`, `daysLive`, `nextDueDay`, `valuePercent`,
 * `productName`, `appUrl`.
 */
export function templateVariables(sources: VariableSources): TemplateVariables {
  const { account, recipient, health, check } = sources;
  const valuePercent = check?.milestone.match(/^value_(\d+)$/)?.[1];
  return {
    accountName: account.name,
    contactName: recipient.name.split(' ')[0] ?? recipient.name,
    csmName: account.csm.name,
    renewalDate: account.contract.renewalDate,
    healthScore: health.score === null ? 'n/a' : String(Math.round(health.score)),
    healthBand: health.band,
    milestoneLabel: check?.label ?? '',
    dueDay: String(check?.dueDay ?? ''),
    reachedDay: String(check?.reachedDay ?? ''),
    daysLive: String(check?.daysLive ?? ''),
    nextDueDay: String(check?.nextDueDay ?? ''),
    valuePercent: valuePercent ?? '',
    productName: sources.productName ?? 'churnguard',
    appUrl: sources.appUrl ?? 'https://app.example.com',
  };
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
