import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { channelsSchema } from '#config/channels-schema';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { mjmlCompiler } from '#core/journeys/render';
import { createEffectsHandler } from '#functions/effects/app';
import type { ChatPoster, OutgoingPost } from '#functions/shared/chat-poster';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { sendRegionalDigests } from '#usecases/regional-digest';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { at, steadyUse } from '../support/seed-scenarios.ts';

/**
 * A post is never sent twice under a replayed dispatch: the RiskEscalation execution that opened a tier-1 risk
 * run again under a new name, its recorded decision applied and delivered again (a retried Apply and Deliver),
 * and the weekly digest run twice in its week, change nothing in the channels.
 */
const config: Config = {
  ...defaultConfig,
  channels: channelsSchema.parse({
    destinations: { 'cs-apac': { kind: 'slack' }, 'apac-leads': { kind: 'teams' } },
    routes: [
      { to: 'cs-apac', region: 'APAC' },
      { to: 'apac-leads', csm: 'casey@vendor.example' },
    ],
  }),
};

const recorded = z.object({
  decision: z.object({
    accountId: z.string(),
    effects: z.array(z.looseObject({ kind: z.string() })),
    context: z.object({
      openEscalation: z.boolean(),
      urgentTicket: z.boolean(),
      renewalNegotiation: z.boolean(),
    }),
  }),
  applied: z.object({
    deliveries: z.array(z.object({ owner: z.object({ accountId: z.string() }), key: z.string() })),
  }),
});

describe('Slack and Teams posts under a replayed dispatch', () => {
  it('posts the tier-1 risk and the digest once, however often they are replayed', async () => {
    // Prepare: seed 001's customer in APAC, three days of steady use, then a 4/10 relationship scorecard
    const db = await createTestDb();
    const start = '2026-01-05';
    const clock = new VirtualClock(`${start}T00:00:00Z`);
    const posts: OutgoingPost[] = [];
    const poster: ChatPoster = { post: async (post) => `post-${posts.push(post)}` };
    const mail: OutgoingEmail[] = [];
    const mailer: Mailer = { send: async (email) => `mail-${mail.push(email)}` };
    const deps = { db, clock, logger: silentLogger(), config };
    const engine = createWorkflowEngine(deps, { mailer, poster });
    await upsertAccount(
      db,
      account('gasco', {
        region: 'APAC',
        goLiveDate: '2024-07-01',
        contract: { startDate: '2024-07-01', renewalDate: '2026-07-01', arr: 2_400_000 },
      }),
      clock.now(),
    );
    const signals = [
      ...steadyUse({ accountId: 'gasco', start, toDay: 3, users: 12, features: 6 }),
      {
        id: 'scorecard',
        accountId: 'gasco',
        type: 'relationship_score' as const,
        occurredAt: at(start, 2, 12),
        value: 4,
      },
    ];
    for (let day = 0; day < 3; day++) {
      await engine.advance(`${at(start, day, 23)}`, clock);
      await ingest(
        useCaseDeps(deps),
        signals.filter((s) => s.occurredAt.startsWith(at(start, day).slice(0, 10))),
      );
    }
    await engine.advance(at(start, 3, 0), clock);
    const risk = () => posts.filter((p) => JSON.stringify(p.payload).includes('risk opened'));
    expect(
      risk()
        .map((p) => `${p.kind} ${p.destination}`)
        .sort(),
    ).toEqual(['slack cs-apac', 'teams apac-leads']);
    const opening = engine.runtime
      .executions()
      .find(
        (e) =>
          e.stateMachineName === 'RiskEscalation' &&
          recorded.safeParse(e.result?.output).data?.decision.effects.some((x) => x.kind === 'open_risk'),
      );
    const output = recorded.parse(opening?.result?.output);
    expect(output.applied.deliveries.map((d) => d.key).filter((k) => k.includes('chat:'))).toHaveLength(2);

    // Act 1: the dispatch replayed as a new execution with the same input
    const replayed = await engine.runtime.startExecution(
      'RiskEscalation',
      `${opening?.executionName}-replayed`,
      opening?.input,
    );
    // Act 2: the recorded decision applied again, and every delivery, old and new, delivered again
    const effects = createEffectsHandler({ ...useCaseDeps(deps), compile: mjmlCompiler, mailer, poster });
    const again = z
      .object({
        deliveries: z.array(z.object({ owner: z.object({ accountId: z.string() }), key: z.string() })),
      })
      .parse(await effects({ task: 'apply', ...output.decision }));
    for (const delivery of [...output.applied.deliveries, ...again.deliveries]) {
      expect(await effects({ task: 'deliver', ...delivery })).toEqual({ outcome: 'already' });
    }

    // Assess: the replays sent nothing anywhere
    expect(replayed.status).toBe('SUCCEEDED');
    expect(again.deliveries).toEqual([]);
    expect(risk()).toHaveLength(2);
    expect(mail.filter((m) => m.subject.includes('risk opened'))).toHaveLength(1);

    // The weekly digest, run twice on its Monday: one post per channel
    await engine.advance(at(start, 7, 8), clock);
    const digest = () => posts.filter((p) => JSON.stringify(p.payload).includes('APAC weekly risk review'));
    expect(
      digest()
        .map((p) => `${p.kind} ${p.destination}`)
        .sort(),
    ).toEqual(['slack cs-apac', 'teams apac-leads']);
    const rerun = await sendRegionalDigests({ ...useCaseDeps(deps), mailer, poster });
    expect(rerun.mails).toBe(0);
    expect(digest()).toHaveLength(2);
  });
});
