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
    // The day the 4/10 scorecard arrives (day 2), not at the first renewal checkpoint months later.
    expect(opened?.at.slice(0, 10)).toBe('2026-01-07');
    expect(opened?.why).toContain('the customer rates the relationship 4/10');
    expect(gasco.end?.openRisk).toMatchObject({ primaryCause: 'relationship_weak', strategy: 'recover' });
    // The CSM's mail says what happened, why and what to do; the sponsor gets the Recover strategy's reset.
    const [notice] = result.emails.filter(
      (e) => e.to.includes('casey@vendor.example') && e.subject.includes('risk opened'),
    );
    expect(notice?.subject).toBe(
      '[churnguard] UK Gas Producer and Retailer: risk opened (recover, relationship_weak)',
    );
    expect(notice?.text).toContain('the customer rates the relationship 4/10');
    expect(notice?.text).toContain(
      'What to do:\n- Book a success-plan reset with the sponsor within 7 days.',
    );
    expect(gasco.mailTo('gasco.example').map((e) => `${e.to[0]}: ${e.subject}`)).toEqual([
      'sponsor@gasco.example: UK Gas Producer and Retailer: resetting our success plan',
      'champion@gasco.example: Executive business review: UK Gas Producer and Retailer',
      'sponsor@gasco.example: Executive business review: UK Gas Producer and Retailer',
    ]);
    // Nobody acknowledges: the manager is brought in at tier 2, by mail.
    expect(
      result.emails.filter((e) => e.to.includes('morgan@vendor.example')).map((e) => e.subject),
    ).toContain('[churnguard] UK Gas Producer and Retailer: risk raised to tier 2');
    // One business review for the renewal, although T-120, T-90 and T-60 all see the risk.
    expect(gasco.actions.filter((a) => a.kind === 'review_scheduled')).toHaveLength(1);
    // ... and what it does not: product data is fine, so no adoption or support primary cause, no nudges, no
    // "on track".
    // Its data alone scores green; the 4/10 scorecard is a critical finding that holds the band at yellow (issue 15).
    expect(gasco.end).toMatchObject({ segment: 'strategic', band: 'yellow' });
    expect(gasco.end?.journeyClass).toBeNull(); // live since 2024: its onboarding is not in the window
    expect(gasco.end?.drivers[0]).toMatch(/^band held at yellow \(critical finding relationship_critical/);
    expect(gasco.end?.drivers[1]).toMatch(/^relationship scorecard 4\/10/);
    expect(gasco.end?.openRisk?.primaryCause).not.toMatch(/adoption|support|onboarding/);
    expect(gasco.plays.filter((p) => p.startsWith('nudge') || p.startsWith('congratulate'))).toEqual([]);
    // Every checkpoint that sees its data sees the weak relationship: none says "on track". (T-180 ran on arrival,
    // 2026-01-05 00:00, before any of its data: nothing then said the relationship was weak.)
    const seeingData = gasco.actions.filter((a) => a.kind === 'renewal_checkpoint' && a.at >= '2026-01-07');
    expect(seeingData.map((a) => a.what.match(/T-\d+/)?.[0])).toEqual(['T-120', 'T-90', 'T-60', 'T-30']);
    expect(seeingData.filter((a) => a.what.includes('on track'))).toEqual([]);
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
    // The CSM's notices are routine: each comes in that day's one notice mail, saying what to do.
    const csmMail = result.emails.filter((e) => e.to.includes('casey@vendor.example'));
    expect(csmMail.map((e) => `${e.at.slice(0, 10)} ${e.subject}`)).toEqual([
      '2026-03-13 Your churnguard notices for 2026-03-13 (EMEA): 1 item',
      '2026-03-18 Your churnguard notices for 2026-03-18 (EMEA): 1 item',
    ]);
    expect(csmMail[0]?.text).toContain('1. [churnguard] Account lag missed First login');
    expect(csmMail[1]?.text).toContain('1. [churnguard] Account lag missed Configuration complete');
    expect(csmMail[1]?.text).toContain('Reach out to Account lag this week.');
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
    // Assess: the day the sponsor leaves (a Saturday), the risk opens for the pooled CS team, who are mailed ...
    const tiny = of(result, 'tiny');
    expect(result.rejected).toEqual([]);
    expect(tiny.end).toMatchObject({
      segment: 'transactional',
      openRisk: { tier: 1, primaryCause: 'sponsor_change' },
    });
    const opened = tiny.actions.find((a) => a.kind === 'risk_opened');
    expect(opened?.at.slice(0, 10)).toBe('2026-03-21');
    expect(opened?.why).toBe('the sponsor left today and nobody has taken over');
    const [queueNotice] = result.emails.filter((e) => e.to.includes('cs-queue@churnguard.example'));
    expect(queueNotice?.subject).toBe(
      '[churnguard] Tiny Bakery Supplies: risk opened (recover, sponsor_change)',
    );
    // ... and, with no CSM to cover it, a digital play asks its remaining admin who the new owner is: on Monday,
    // within 7 days, in office hours. The sponsor who left is not written to.
    expect(tiny.mailTo('tiny.example').filter((e) => e.at >= opened!.at)).toEqual([
      expect.objectContaining({
        at: '2026-03-23T08:00:00.000Z',
        to: ['admin@tiny.example'],
        subject: 'Who is our contact at Tiny Bakery Supplies now?',
        text: expect.stringContaining(
          'we understand the person who sponsored our work with Tiny Bakery Supplies',
        ),
      }),
    ]);
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
        (a) =>
          a.kind === 'renewal_checkpoint' &&
          a.at >= opened!.at &&
          a.what.includes('the renewal-value message is due'),
      ),
    ).toEqual([]);
  }, 120_000);
});
