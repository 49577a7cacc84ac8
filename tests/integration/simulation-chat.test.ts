import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { channelsSchema } from '#config/channels-schema';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { accountPageUrl } from '#core/channels/links';
import { scenarioSchema } from '#core/simulation/scenario';
import { runSimulation, scenarioInput } from '#local/simulation/run';
import { outsourcingScenario } from '../support/seed-scenarios.ts';

/**
 * Issue 17, done when: in a simulation, a tier-1 risk and the weekly digest appear as Slack and Teams posts in the
 * capture with the account link. Seed 001's outsourcing customer (APAC) gets its risk on Wednesday 7 January,
 * and the APAC digest lists it on Monday the 12th.
 */
const config: Config = {
  ...defaultConfig,
  channels: channelsSchema.parse({
    destinations: { 'cs-apac': { kind: 'slack' }, 'apac-leads': { kind: 'teams' } },
    teams: { 'apac-team': ['casey@vendor.example', 'morgan@vendor.example'] },
    routes: [
      { to: 'cs-apac', region: 'APAC' },
      { to: 'apac-leads', team: 'apac-team', carries: ['escalations', 'digest'] },
    ],
  }),
};

const occurredAt = z.looseObject({ occurredAt: z.string() });

function tenDays() {
  const scenario = scenarioSchema.parse(outsourcingScenario());
  const end = Date.parse(`${scenario.start}T00:00:00Z`) + 10 * 86_400_000;
  return scenarioSchema.parse({
    ...scenario,
    days: 10,
    signals: scenario.signals.filter((s) => Date.parse(occurredAt.parse(s).occurredAt) < end),
  });
}

describe('a simulation with Slack and Teams destinations', () => {
  it('posts the tier-1 risk and the weekly digest to both, with the account link, each once', async () => {
    // Act
    const result = await runSimulation(scenarioInput(tenDays()), { config });
    // Assess: the risk notice, posted the day the scorecard arrived
    const link = accountPageUrl(config.messaging.publicBaseUrl, 'gasco');
    const risk = result.posts.filter((p) => p.title.includes('risk opened'));
    expect(risk.map((p) => `${p.at.slice(0, 10)} ${p.kind} ${p.destination}`).sort()).toEqual([
      '2026-01-07 slack cs-apac',
      '2026-01-07 teams apac-leads',
    ]);
    for (const post of risk) {
      expect(post.title).toContain('UK Gas Producer and Retailer: risk opened (recover, relationship_weak)');
      expect(post.link).toBe(link);
      expect(JSON.stringify(post.payload)).toContain('the customer rates the relationship 4/10');
    }
    // The weekly digest, Monday 07:00 UTC, in both channels, the account a link to its page
    const digest = result.posts.filter((p) => p.title.includes('APAC weekly risk review'));
    expect(digest.map((p) => `${p.at} ${p.kind} ${p.destination}`).sort()).toEqual([
      '2026-01-12T07:00:00.000Z slack cs-apac',
      '2026-01-12T07:00:00.000Z teams apac-leads',
    ]);
    for (const post of digest) expect(JSON.stringify(post.payload)).toContain(link);
    // The mail still goes: posts are besides it, not instead of it
    expect(result.emails.some((e) => e.subject.includes('risk opened'))).toBe(true);
    expect(result.emails.some((e) => e.subject.includes('APAC weekly risk review'))).toBe(true);
    // Never twice: every post is one of its kind
    const keys = result.posts.map((p) => `${p.kind} ${p.destination} ${p.title}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The timeline says what was posted, and only that: an entry per account post (the digest is no account's)
    const posted = result.actions.filter((a) => a.what.startsWith('Posted to')).map((a) => a.what);
    expect(posted).toContain('Posted to Slack (cs-apac): Tier-1 risk notice to Casey Morgan (csm)');
    expect(posted).toContain(
      'Posted to Microsoft Teams (apac-leads): Tier-1 risk notice to Casey Morgan (csm)',
    );
    expect(posted).toHaveLength(result.posts.length - digest.length);
  });

  it('posts nothing without destinations (the default)', async () => {
    const result = await runSimulation(scenarioInput(tenDays()));
    expect(result.posts).toEqual([]);
    expect(result.actions.filter((a) => a.what.startsWith('Posted to'))).toEqual([]);
  });
});
