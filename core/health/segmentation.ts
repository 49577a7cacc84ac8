import type { Config, SegmentConfig } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { SegmentAssignment } from './types.ts';
import { TIER_IDS, type TierId } from './vocabulary.ts';

function isTier(value: string): value is TierId {
  return TIER_IDS.some((tier) => tier === value);
}

function tierByArr(config: Config, arr: number): TierId {
  return TIER_IDS.find((tier) => arr >= config.segmentation.tiers[tier].minArr) ?? 'D';
}

export function segmentConfig(config: Pick<Config, 'segments'>, segment: string): SegmentConfig {
  const found = config.segments[segment];
  if (!found)
    throw new Error(`segment "${segment}" is not defined; validate the config with parseConfig first`);
  return found;
}

/**
 * Places an account in a tier (its own `tier` field, else by ARR) and a segment (its own `segment`
 * field, matched case-insensitively, else the tier's rule). A field that names nothing known is
 * ignored and the assignment says so.
 */
export function assignSegment(config: Config, account: AccountInput): SegmentAssignment {
  const notes: string[] = [];
  const ownTier = account.tier?.trim().toUpperCase();
  let tier = tierByArr(config, account.arr);
  let tierSource: SegmentAssignment['tierSource'] = 'arr';
  if (ownTier !== undefined && isTier(ownTier)) {
    tier = ownTier;
    tierSource = 'account';
  } else if (account.tier !== undefined) {
    notes.push(`tier "${account.tier}" is not one of ${TIER_IDS.join(', ')}; tier ${tier} comes from ARR`);
  }

  const rule = config.segmentation.byTier[tier];
  const ownSegment = account.segment?.trim().toLowerCase();
  if (ownSegment !== undefined && config.segments[ownSegment]) {
    const chosen = segmentConfig(config, ownSegment);
    const { label, program, touch } = chosen;
    return { segment: ownSegment, label, program, touch, tier, segmentSource: 'account', tierSource, notes };
  }
  if (account.segment !== undefined) {
    notes.push(
      `segment "${account.segment}" is not defined; segment ${rule.segment} comes from tier ${tier}`,
    );
  }
  const { label, program } = segmentConfig(config, rule.segment);
  return {
    segment: rule.segment,
    label,
    program,
    touch: rule.touch,
    tier,
    segmentSource: 'tier',
    tierSource,
    notes,
  };
}
