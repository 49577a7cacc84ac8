import * as z from 'zod';

/**
 * Annual recurring revenue from Stripe subscription items. Amounts in Stripe are integers in the currency's
 * smallest unit; see https://docs.stripe.com/currencies#zero-decimal.
 */

const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function currencyDecimals(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** Minor units (cents) to major units (dollars), rounded to the currency's precision. */
export function toMajorUnits(minor: number, currency: string): number {
  const decimals = currencyDecimals(currency);
  const scale = 10 ** decimals;
  return Math.round(minor) / scale;
}

const PERIODS_PER_YEAR: Record<string, number> = { day: 365, week: 52, month: 12, year: 1 };

const transform = z.looseObject({ divide_by: z.number().positive(), round: z.string() });

export const stripePrice = z.looseObject({
  id: z.string().optional(),
  currency: z.string().nullish(),
  unit_amount: z.number().nullish(),
  unit_amount_decimal: z.string().nullish(),
  billing_scheme: z.string().nullish(),
  recurring: z
    .looseObject({
      interval: z.string(),
      interval_count: z.number().nullish(),
      usage_type: z.string().nullish(),
    })
    .nullish(),
  transform_quantity: transform.nullish(),
});

export const stripePlan = z.looseObject({
  id: z.string().optional(),
  currency: z.string().nullish(),
  amount: z.number().nullish(),
  amount_decimal: z.string().nullish(),
  billing_scheme: z.string().nullish(),
  interval: z.string().nullish(),
  interval_count: z.number().nullish(),
  usage_type: z.string().nullish(),
  transform_usage: transform.nullish(),
});

export const stripeItem = z.looseObject({
  id: z.string().optional(),
  price: stripePrice.nullish(),
  plan: stripePlan.nullish(),
  quantity: z.number().nullish(),
  current_period_end: z.number().nullish(),
});
export type StripeItem = z.infer<typeof stripeItem>;

/** What one item bills, normalised: amounts in minor units. */
interface Pricing {
  priceId?: string;
  unitAmount?: number;
  scheme?: string | null;
  usageType?: string | null;
  interval?: string | null;
  intervalCount?: number | null;
  transform?: z.infer<typeof transform> | null;
}

/** The item's price when it has one (current API), else its plan (older API). */
function pricingOf(item: StripeItem): Pricing | undefined {
  const { price, plan } = item;
  if (price) {
    const decimal = price.unit_amount_decimal == null ? undefined : Number(price.unit_amount_decimal);
    return {
      priceId: price.id,
      unitAmount: price.unit_amount ?? decimal,
      scheme: price.billing_scheme,
      usageType: price.recurring?.usage_type,
      interval: price.recurring?.interval,
      intervalCount: price.recurring?.interval_count,
      transform: price.transform_quantity,
    };
  }
  if (plan) {
    const decimal = plan.amount_decimal == null ? undefined : Number(plan.amount_decimal);
    return {
      priceId: plan.id,
      unitAmount: plan.amount ?? decimal,
      scheme: plan.billing_scheme,
      usageType: plan.usage_type,
      interval: plan.interval,
      intervalCount: plan.interval_count,
      transform: plan.transform_usage,
    };
  }
  return undefined;
}

function billedQuantity(quantity: number, pricing: Pricing): number {
  if (!pricing.transform) return quantity;
  const packages = quantity / pricing.transform.divide_by;
  return pricing.transform.round === 'up' ? Math.ceil(packages) : Math.floor(packages);
}

/** Annual amount of one item in minor units, or why it cannot be computed. */
export function itemAnnualMinor(item: StripeItem): number | { unavailable: string } {
  const pricing = pricingOf(item);
  if (!pricing) return { unavailable: `item ${item.id ?? '?'} has neither price nor plan` };
  if (pricing.usageType === 'metered') return { unavailable: `price ${pricing.priceId ?? '?'} is metered` };
  if (pricing.scheme && pricing.scheme !== 'per_unit') {
    return { unavailable: `price ${pricing.priceId ?? '?'} is ${pricing.scheme}` };
  }
  const perYear = pricing.interval ? PERIODS_PER_YEAR[pricing.interval] : undefined;
  const count = pricing.intervalCount ?? 1;
  if (perYear === undefined || !Number.isInteger(count) || count < 1) {
    return { unavailable: `price ${pricing.priceId ?? '?'} has no recurring interval` };
  }
  if (pricing.unitAmount === undefined || !Number.isFinite(pricing.unitAmount)) {
    return { unavailable: `price ${pricing.priceId ?? '?'} has no unit amount` };
  }
  return (pricing.unitAmount * billedQuantity(item.quantity ?? 1, pricing) * perYear) / count;
}

/** Sum of the items' annual amounts in minor units, or the first reason one of them cannot be computed. */
export function annualMinor(items: readonly StripeItem[]): number | { unavailable: string } {
  let total = 0;
  for (const item of items) {
    const amount = itemAnnualMinor(item);
    if (typeof amount !== 'number') return amount;
    total += amount;
  }
  return total;
}

export function priceIdOf(item: StripeItem): string | undefined {
  return pricingOf(item)?.priceId;
}
