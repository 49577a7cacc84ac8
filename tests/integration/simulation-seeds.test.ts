import { describe, expect, it } from 'vitest';
import { type ScenarioInput, scenarioSchema } from '#core/simulation/scenario';
import { runSimulation, type SimulationResult, scenarioInput } from '#local/simulation/run';
import {
  championAndLaggardScenario,
  outsourcingScenario,
  techTouchSponsorLeavesScenario,
} from '../support/seed-scenarios.ts';

/**
 * One scenario per seed story (issue 8, item 8), on the real runner: the same handlers, store, dispatcher and
 * synthesized state machines as `churnguard simulate`. Each test pins what churnguard does and what it must not.
 */

const simulate = (scenario: ScenarioInput) => runSimulation(scenarioInput(scenarioSchema.parse(scenario)));

const of = (result: SimulationResult, accountId: string) => ({
  actions: result.actions.filter((a) => a.accountId === accountId),
  kinds: result.actions.filter((a) => a.accountId === accountId).map((a) => a.kind),
  plays: result.actions.filter((a) => a.accountId === accountId).flatMap((a) => (a.play ? [a.play] : [])),
  end: result.accounts.find((a) => a.accountId === accountId),
  mailTo: (domain: string) => result.emails.filter((e) => e.to.some((to) => to.endsWith(`@${domain}`))),
});

describe('seed 001: the outsourcing customer whose relationship scorecard sits at 4/10', () => {
  it('flags the relationship as a renewal risk although service levels and usage look fine', async () => {
    // Prepare: tickets closed the same day, monthly service meetings held, steady use; the scorecard reads 4/10.
    const scenario = outsourcingScenario();
    // Act
    const result = await simulate(scenario);
    // Assess: what it does
    const gasco = of(result, 'gasco');
    expect(result.rejected).toEqual([]);
    const opened = gasco.actions.find((a) => a.kind === 'risk_opened');
    expect(opened?.at).toBe('2026-03-03T09:00:00.000Z'); // the first renewal checkpoint in the window, T-120
    expect(opened?.why).toContain('the customer rates the relationship 4/10');
    expect(gasco.end?.openRisk).toMatchObject({ primaryCause: 'relationship_weak', strategy: 'recover' });
    // One business review for the renewal, although T-120, T-90 and T-60 all see the risk.
    expect(gasco.actions.filter((a) => a.kind === 'review_scheduled')).toHaveLength(1);
    expect(gasco.mailTo('gasco.example').map((e) => e.subject)).toContain(
      'Executive business review: UK Gas Producer and Retailer',
    );
    // ... and what it does not: product data is fine, so no adoption or support cause, no nudges, no "on track".
    expect(gasco.end).toMatchObject({ segment: 'strategic', band: 'green' });
    expect(gasco.end?.journeyClass).toBeNull(); // live since 2024: its onboarding is not in the window
    expect(gasco.end?.drivers[0]).toMatch(/^relationship scorecard 4\/10/);
    expect(gasco.end?.openRisk?.primaryCause).not.toMatch(/adoption|support|onboarding/);
    expect(gasco.kinds).not.toContain('journey_message');
    expect(
      gasco.actions.filter((a) => a.kind === 'renewal_checkpoint' && a.what.includes('on track')),
    ).toEqual([]);
    expect(gasco.mailTo('gasco.example').every((e) => /business review/i.test(e.subject))).toBe(true);
  }, 120_000);
});

describe('seed 004: a Day-5 / Day-10 laggard and a champion', () => {
  it('nudges the laggard and tells its CSM, and congratulates the champion without nagging it', async () => {
    // Prepare: both go live on Monday 2 March; the champion logs in on day 1 and is configured on day 3, the
    // laggard first logs in on day 12 and is configured on day 25.
    const scenario = championAndLaggardScenario();
    // Act
    const result = await simulate(scenario);
    // Assess: the laggard gets the Day-5 and Day-10 nudges and its CSM hears of both missed milestones.
    const laggard = of(result, 'lag');
    expect(result.rejected).toEqual([]);
    expect(laggard.plays).toEqual(
      expect.arrayContaining(['nudge_first_login', 'nudge_configured', 'csm_milestone_missed']),
    );
    expect(laggard.mailTo('lag.example').map((e) => e.subject)).toEqual(
      expect.arrayContaining([
        'Admin, your workspace is waiting',
        'One step left to finish setting up Account lag',
      ]),
    );
    expect(result.emails.filter((e) => e.to.includes('casey@vendor.example')).map((e) => e.subject)).toEqual([
      '[churnguard] Account lag missed First login',
      '[churnguard] Account lag missed Configuration complete',
    ]);
    // The first nudge waits for Monday: day 5 is a Saturday, a quiet day.
    expect(laggard.actions.find((a) => a.play === 'nudge_first_login')?.at).toBe('2026-03-09T08:00:00.000Z');
    // ... and no congratulation for milestones it reached late.
    expect(laggard.plays.filter((p) => p.startsWith('congratulate'))).toEqual([]);

    // The champion is congratulated, by email and in the app, and never nudged or reported to its CSM.
    const champion = of(result, 'champ');
    expect(new Set(champion.plays)).toEqual(new Set(['congratulate_first_login', 'congratulate_configured']));
    expect(champion.kinds).not.toContain('csm_notice');
    const championMail = champion.mailTo('champ.example').map((e) => e.subject);
    expect(championMail.sort()).toEqual([
      'Welcome aboard, Admin: Account champ is live',
      'Welcome aboard, Champion: Account champ is live',
    ]);
    expect(result.skipped.filter((s) => s.accountId === 'champ' && s.play.startsWith('nudge'))).toEqual([]);
    expect(champion.end).toMatchObject({ band: 'green', journeyClass: 'champion' });
    expect(laggard.end?.journeyClass).toBe('laggard');
    expect(laggard.end?.band).not.toBe('green');
  }, 120_000);
});

describe('seed 002: a small tech-touch customer whose sponsor leaves', () => {
  it('notes the risk at tier 1 and holds it there: no manager, no cross-functional review, no EBR', async () => {
    // Prepare: a tier D account (tech touch) in steady use; its sponsor leaves on 21 March, 41 days before renewal.
    const scenario = techTouchSponsorLeavesScenario();
    // Act
    const result = await simulate(scenario);
    // Assess: not silently ignored, the next renewal checkpoint (T-30) opens the risk for the pooled CS team ...
    const tiny = of(result, 'tiny');
    expect(result.rejected).toEqual([]);
    expect(tiny.end).toMatchObject({
      segment: 'transactional',
      openRisk: { tier: 1, primaryCause: 'sponsor_change' },
    });
    const opened = tiny.actions.find((a) => a.kind === 'risk_opened');
    expect(opened?.at).toBe('2026-04-01T09:00:00.000Z');
    expect(opened?.why).toBe('sponsor left 10 days ago');
    expect(tiny.actions.find((a) => a.kind === 'risk_held')?.why).toContain(
      'tech-touch account stays at tier 1',
    );
    // ... and none of what a tech-touch account cannot have: a manager brought in, the cross-functional meeting,
    // an executive business review; nor a renewal-value message once the sponsor has gone.
    expect(tiny.kinds).not.toContain('risk_escalated');
    expect(result.summary.escalationsByTier).toEqual({ '1': 1 });
    expect(tiny.kinds).not.toContain('review_scheduled');
    expect(
      tiny.actions.filter(
        (a) => a.kind === 'renewal_checkpoint' && a.at >= opened!.at && a.what.includes('renewal-value'),
      ),
    ).toEqual([]);
    expect(tiny.mailTo('tiny.example')).toEqual([]);
  }, 120_000);
});
