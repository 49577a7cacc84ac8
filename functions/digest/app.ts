import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildRegionalDigest, type DigestLine, type DigestSnapshot, daysOpen } from '#core/workflows/digest';
import { getAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { keys } from '#store/keys';
import { openRisksInRegion, riskRegions } from '#store/risk-store';
import type { Mailer } from '../shared/mailer.ts';
import type { Deps } from '../shared/runtime.ts';

async function lastSnapshot(db: Db, region: string): Promise<DigestSnapshot | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.lastDigest(region), ConsistentRead: true }),
  );
  return out.Item ? (out.Item.snapshot as DigestSnapshot) : undefined;
}

/**
 * One digest per region with open risks (or with risks listed last week): sent to the managers and CSMs of the
 * accounts listed, then remembered so next week's digest can say what changed.
 */
export async function sendRegionalDigests(db: Db, mailer: Mailer | undefined, now: Date) {
  const sent: { region: string; to: string[]; accounts: number }[] = [];
  for (const region of await riskRegions(db)) {
    const risks = await openRisksInRegion(db, region);
    const previous = await lastSnapshot(db, region);
    if (risks.length === 0 && !previous?.lines.length) continue;
    const recipients = new Set<string>();
    const lines: DigestLine[] = [];
    for (const risk of risks) {
      const account = await getAccount(db, risk.accountId);
      if (account?.manager) recipients.add(account.manager.email);
      if (account) recipients.add(account.csm.email);
      lines.push({
        riskId: risk.riskId,
        accountId: risk.accountId,
        accountName: account?.name ?? risk.accountId,
        primaryCause: risk.primaryCause,
        tier: risk.tier,
        daysOpen: daysOpen(risk.openedAt, now),
        arr: risk.arr,
        currency: account?.currency ?? '',
        strategy: risk.strategy,
      });
    }
    const digest = buildRegionalDigest(region, lines, previous, now);
    if (mailer && recipients.size > 0) {
      await mailer.send({
        to: [...recipients].sort(),
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
      });
    }
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.lastDigest(region), kind: 'digest', snapshot: digest.snapshot },
      }),
    );
    sent.push({ region, to: [...recipients].sort(), accounts: lines.length });
  }
  return sent;
}

export function createDigestHandler(deps: Pick<Deps, 'db' | 'clock' | 'logger'> & { mailer?: Mailer }) {
  return async () => {
    const sent = await sendRegionalDigests(deps.db, deps.mailer, deps.clock.now());
    deps.logger.info('regional digests sent', {
      regions: sent.length,
      accounts: sent.reduce((n, s) => n + s.accounts, 0),
    });
    return { regions: sent.map((s) => s.region) };
  };
}
