import { digestPost } from '#core/channels/digest-post';
import { chatHoldOf } from '#core/channels/hold';
import { chatDestinations, chatRecipientId } from '#core/channels/route';
import { isoWeek } from '#core/clock';
import { assignSegment } from '#core/health/segmentation';
import { csmOf } from '#core/workflows/account-view';
import { buildRegionalDigest, type DigestLine, daysOpen } from '#core/workflows/digest';
import { getAccount } from '#store/account-store';
import { previousDigest, saveDigestSnapshot } from '#store/digest-store';
import { openRisksInRegion, riskRegions } from '#store/risk-store';
import type { UseCaseDeps } from './account-view.ts';
import type { Delivery } from './apply-effects.ts';
import type { DeliverDeps } from './deliver-message.ts';
import { deliverTeamMail, reserveTeamMail, reserveTeamPost } from './team-mail.ts';

/** SES takes at most 50 recipients per message: larger audiences get the same digest in several mails. */
export const RECIPIENTS_PER_MAIL = 50;

/**
 * The weekly regional risk review (seed 002, tier 3), once per region and ISO week: red accounts with root cause,
 * tier, days open, ARR at risk (per currency) and what changed since the last digest, to the managers and CSMs of
 * the accounts listed. Each mail is a team ledger row keyed by region, week and recipient chunk, so a retried or
 * repeated run sends nothing twice; "what changed" compares with the latest earlier week's snapshot.
 */
export async function prepareRegionalDigests(deps: UseCaseDeps): Promise<Delivery[]> {
  const now = deps.clock.now();
  const week = isoWeek(now);
  const at = now.toISOString();
  const deliveries: Delivery[] = [];
  for (const region of await riskRegions(deps.db)) {
    const [risks, previous] = await Promise.all([
      openRisksInRegion(deps.db, region),
      previousDigest(deps.db, region, week),
    ]);
    if (risks.length === 0 && !previous?.lines.length) continue;
    const recipients = new Set<string>();
    const lines: DigestLine[] = [];
    for (const risk of risks) {
      const account = await getAccount(deps.db, risk.accountId);
      if (account?.manager) recipients.add(account.manager.email);
      // The account's CSM, or for a tech-touch account (no CSM of its own) the pooled queue.
      const touch = account ? assignSegment(deps.config, account).touch : undefined;
      if (account && touch)
        recipients.add(csmOf({ account, health: { segment: { touch } } }, deps.config).email);
      lines.push({
        riskId: risk.riskId,
        accountId: risk.accountId,
        accountName: account?.name ?? risk.accountId,
        primaryCause: risk.primaryCause,
        tier: risk.tier,
        daysOpen: daysOpen(risk.openedAt, now),
        // The ARR the risk holds is in the currency it was recorded in; the account's may have changed since, and
        // labelling one with the other would add USD into a EUR total. Risks stored before `currency` fall back.
        arr: risk.arr,
        currency: risk.currency || account?.currency || '',
        strategy: risk.strategy,
      });
    }
    const digest = buildRegionalDigest(region, lines, previous, now);
    const to = [...recipients].sort();
    const owner = { team: `digest#${region}` };
    for (let chunk = 0; chunk * RECIPIENTS_PER_MAIL < to.length; chunk++) {
      const key = {
        playId: 'regional_digest',
        about: `${region}#${week}`,
        recipientId: `part${chunk + 1}`,
        occurrence: 'weekly',
      };
      const delivery = await reserveTeamMail(deps.db, owner, key, at, {
        to: to.slice(chunk * RECIPIENTS_PER_MAIL, (chunk + 1) * RECIPIENTS_PER_MAIL),
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
      });
      if (delivery) deliveries.push(delivery);
    }
    // The same digest in each Slack or Teams channel routed for the region or its readers, once per week.
    const destinations = chatDestinations(deps.config.channels, { topic: 'digest', region, people: to });
    const post = destinations.length
      ? digestPost(digest, lines, deps.config.messaging.publicBaseUrl)
      : undefined;
    for (const destination of post ? destinations : []) {
      const key = {
        playId: 'regional_digest',
        about: `${region}#${week}`,
        recipientId: chatRecipientId(destination.name),
        occurrence: 'weekly',
      };
      const hold = chatHoldOf(deps.config, destination, now);
      const delivery = post && (await reserveTeamPost(deps.db, owner, key, at, destination, post, hold));
      if (delivery) deliveries.push(delivery);
    }
    await saveDigestSnapshot(deps.db, region, week, digest.snapshot);
  }
  return deliveries;
}

export async function sendRegionalDigests(deps: UseCaseDeps & DeliverDeps) {
  const deliveries = await prepareRegionalDigests(deps);
  const sent = await deliverTeamMail(deps, deliveries);
  return {
    week: isoWeek(deps.clock.now()),
    mails: deliveries.length,
    sent,
  };
}
