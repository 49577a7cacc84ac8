import { describe, expect, it } from 'vitest';
import { accountFacts } from '#core/workflows/evidence';
import { meetings, NOW, rollupsFrom } from '../health/builders.ts';

const factsWith = (held: number, missed: number) =>
  accountFacts(rollupsFrom('acme', meetings('acme', held, missed)), [], NOW);

describe('the meetings evidence of a risk (core/workflows/evidence.ts)', () => {
  it('says meetings are missed when the last 90 days hold more missed meetings than held ones', () => {
    expect(factsWith(1, 2).meetingsMissed).toBe(true);
    expect(factsWith(2, 2).meetingsMissed).toBe(false);
    expect(factsWith(2, 1).meetingsMissed).toBe(false);
  });
});
