/**
 * The Red Account Process vocabulary (seed 002): one primary root cause from a list grouped by area, an optional
 * secondary, and a strategy named by whose effort the fix needs: Rescue (ours), Recover (shared), Farewell (the
 * customer's, or nobody's).
 */
export const ROOT_CAUSE_GROUPS = ['adoption', 'product', 'relationship', 'outcome', 'commercial'] as const;
export type RootCauseGroup = (typeof ROOT_CAUSE_GROUPS)[number];

export const ROOT_CAUSE_IDS = [
  'low_adoption',
  'onboarding_stalled',
  'product_gaps',
  'support_issues',
  'sponsor_change',
  'relationship_weak',
  'value_not_realised',
  'business_change',
  'price_pressure',
  'payment_problems',
] as const;
export type RootCauseId = (typeof ROOT_CAUSE_IDS)[number];

export const STRATEGIES = ['rescue', 'recover', 'farewell'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface RootCause {
  id: RootCauseId;
  group: RootCauseGroup;
  label: string;
}

export const ROOT_CAUSES: Readonly<Record<RootCauseId, RootCause>> = {
  low_adoption: {
    id: 'low_adoption',
    group: 'adoption',
    label: 'Low adoption: usage well below the segment baseline',
  },
  onboarding_stalled: {
    id: 'onboarding_stalled',
    group: 'adoption',
    label: 'Onboarding stalled: milestones missed',
  },
  product_gaps: { id: 'product_gaps', group: 'product', label: 'Product gaps or defects' },
  support_issues: { id: 'support_issues', group: 'product', label: 'Support issues dragging on' },
  sponsor_change: { id: 'sponsor_change', group: 'relationship', label: 'Sponsor left or changed' },
  relationship_weak: {
    id: 'relationship_weak',
    group: 'relationship',
    label: 'Weak relationship: meetings missed, low scorecard',
  },
  value_not_realised: {
    id: 'value_not_realised',
    group: 'outcome',
    label: 'Value not realised against the business case',
  },
  business_change: {
    id: 'business_change',
    group: 'outcome',
    label: 'Customer business change (cost cutting, M&A)',
  },
  price_pressure: {
    id: 'price_pressure',
    group: 'commercial',
    label: 'Price pressure: asked to cut the contract value',
  },
  payment_problems: { id: 'payment_problems', group: 'commercial', label: 'Payment problems' },
};

export function isRootCauseId(value: string): value is RootCauseId {
  return (ROOT_CAUSE_IDS as readonly string[]).includes(value);
}
