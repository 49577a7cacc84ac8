import { fnv1a } from '../text.ts';

/**
 * The calendar lives in DynamoDB (DESIGN decision 3): a timer is data with a due time; a dispatcher starts a short
 * workflow execution for each due timer, named deterministically so a second dispatch changes nothing.
 */
export const TIMER_KINDS = [
  'renewal_checkpoint',
  'risk_check',
  'risk_deadline',
  'journey_milestone',
  'journey_tip',
  'review',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface Timer {
  kind: TimerKind;
  accountId: string;
  /** Distinguishes timers of one kind for one account, e.g. `T-90` or a risk id and tier. */
  ref: string;
  dueAt: string;
  payload: Record<string, string | number | boolean>;
}

/** Step Functions execution names: 1-80 characters of letters, digits, `-` and `_`. */
const MAX_NAME = 80;

function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The same timer (kind, account, ref, due time) always yields the same name, so Step Functions refuses a second
 * start; a moved timer (new due time) gets a new name. A hash keeps long or unusual ids unique after shortening.
 */
export function executionName(timer: Pick<Timer, 'kind' | 'accountId' | 'ref' | 'dueAt'>): string {
  const due = timer.dueAt.replace(/[^0-9]/g, '').slice(0, 12);
  const identity = `${timer.kind}|${timer.accountId}|${timer.ref}|${timer.dueAt}`;
  const readable = slug(`${timer.accountId}-${timer.ref}-${due}`);
  const hash = fnv1a(identity).toString(36);
  return `${readable.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}
