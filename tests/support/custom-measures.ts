import type { CustomMeasure } from '#config/measures-schema';

/** Custom measures of two account attributes, as tests configure them (health.measures.custom). */

/** Months as a customer (`tenureMonths`), higher is better: 24 and over scores 100. */
export const TENURE_MEASURE: Extract<CustomMeasure, { kind: 'numeric' }> = {
  id: 'tenure',
  component: 'relationship',
  weight: 2,
  from: { attribute: 'tenureMonths' },
  kind: 'numeric',
  direction: 'higher',
  expected: 24,
  label: 'tenure (months)',
};

/** The contract type (`contract`), scored by category. */
export const CONTRACT_MEASURE: Extract<CustomMeasure, { kind: 'categorical' }> = {
  id: 'contractType',
  component: 'outcomes',
  weight: 1,
  from: { attribute: 'contract' },
  kind: 'categorical',
  scores: { 'month-to-month': 20, 'one year': 70, 'two year': 100 },
  label: 'contract type',
};
