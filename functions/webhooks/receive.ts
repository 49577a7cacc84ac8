import { ZodError } from 'zod';
import { accountPatchSchema } from '#core/connectors/contract';
import { hubspotCompanyAccount } from '#core/connectors/hubspot';
import type { HeldObject } from '#core/connectors/hubspot-contact';
import { type LookupLink, segmentUserLinks, stripeCustomerLink, zendeskLinks } from '#core/connectors/links';
import { type ConnectorMapping, defaultConnectorMapping } from '#core/connectors/mapping';
import {
  type AccountLookup,
  type AccountPatch,
  bindAccount,
  type ConnectorResult,
  type Ignored,
  type Pending,
} from '#core/connectors/shared';
import { outcomeOfRenewal } from '#core/renewals/contract-history';
import type { SignalInput } from '#core/signals';
import { type FieldError, fieldErrors } from '#core/validation';
import type { Db } from '#store/client';
import { readContractHistory } from '#store/contract-history-store';
import { type AccountContract, applyAccountPatch } from '#store/contract-store';
import { markDirty } from '#store/dirty-store';
import { holdWaitingContact } from '#store/hubspot-account-store';
import { applyHeldEvent } from '#store/hubspot-held-store';
import {
  deleteParked,
  lookupAccount,
  lookupAccounts,
  lookupId,
  type ParkedRecord,
  parkPending,
  putLinks,
  readParked,
} from '#store/lookup-store';
import { mapLimit } from '#store/parallel';
import { applyProfileChange } from '#store/profile-change-store';
import type { UseCaseDeps } from '#usecases/account-view';
import { createHubspotAccounts, type HubspotAccounts } from '#usecases/hubspot-accounts';
import { ingest } from '#usecases/ingest';
import { syncRenewalTimers } from '../shared/renewal-timers.ts';
import type { WebhookSource } from './connectors.ts';

/** Lists in the answer stop here; the counts are always complete. */
export const HELD_FOR_ACCOUNT =
  'no account yet: held with its HubSpot company until the company can become one (see accounts.waiting)';

export const MAX_LISTED = 100;

export interface WebhookRejection {
  ref: string;
  errors: FieldError[];
}

export interface WebhookOutcome {
  source: WebhookSource;
  /** Signals stored for the first time, and signals already stored (a replay). */
  accepted: number;
  duplicates: number;
  /** Records refused (unknown account, invalid, in the future), with why in `rejections`. */
  rejected: number;
  /** Parts of the body not turned into records (unknown event types, unrated surveys, ...), in `ignoredRecords`. */
  ignored: number;
  lookups: {
    /** Pending records whose account a stored lookup answered. */
    resolved: number;
    /** Pending records no lookup answered: parked until a webhook teaches their link (`unresolved`). */
    parked: number;
    /** Records parked by earlier deliveries and released by a link this one taught. */
    released: number;
  };
  /**
   * Contract patches (Stripe subscriptions, HubSpot deals, Salesforce opportunities) applied, and those not newer
   * than the one already applied (replays, late ones).
   */
  contracts: { applied: number; unchanged: number };
  /** Profile changes (a HubSpot company's name, region, owner) applied, and those not newer than the last applied. */
  profiles: { applied: number; unchanged: number };
  /**
   * HubSpot contact and company events held (newer than what was held) or not (replays, late ones), and the
   * contacts they left waiting for an email, a company or a known account (`waitingContacts`).
   */
  held: { applied: number; unchanged: number };
  waitingContacts: { contactId: string; reason: string }[];
  /**
   * Accounts made of HubSpot companies by this delivery, and companies not yet an account with what they wait for
   * (a name, a region, a mapped owner, a deal with a renewal date and an amount; usecases/hubspot-accounts.ts).
   */
  accounts: HubspotAccounts;
  /** Vendor identity -> account links this delivery stored or moved. */
  links: number;
  rejections: WebhookRejection[];
  ignoredRecords: Ignored[];
  unresolved: { kind: AccountLookup['kind']; key: string; ref: string; reason: string }[];
}

const refOf = (pending: Pending) =>
  pending.kind === 'signal' ? pending.signal.id : `${pending.patch.sourceRef}@${pending.patch.eventId}`;

interface Bound {
  signals: SignalInput[];
  patches: AccountPatch[];
  resolved: number;
  toPark: Pending[];
  unresolved: WebhookOutcome['unresolved'];
  rejections: WebhookRejection[];
}

/** Answers each pending record's lookup from the store and binds the found ones. */
async function resolvePending(db: Db, pending: readonly Pending[]): Promise<Bound> {
  const answers = await lookupAccounts(
    db,
    pending.map((p) => p.needsAccountFor),
  );
  const out: Bound = { signals: [], patches: [], resolved: 0, toPark: [], unresolved: [], rejections: [] };
  for (const record of pending) {
    const answer = answers.get(lookupId(record.needsAccountFor));
    if (!answer || 'unresolved' in answer) {
      out.toPark.push(record);
      out.unresolved.push({
        ...record.needsAccountFor,
        ref: refOf(record),
        reason: answer?.unresolved ?? 'not looked up',
      });
      continue;
    }
    try {
      const bound = bindAccount(record, answer.accountId);
      if (bound.kind === 'signal') out.signals.push(bound.signal);
      else out.patches.push(bound.patch);
      out.resolved += 1;
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      out.rejections.push({ ref: refOf(record), errors: fieldErrors(error) });
    }
  }
  return out;
}

interface Released {
  parked: ParkedRecord[];
  signals: unknown[];
  patches: AccountPatch[];
}

/**
 * Records parked under an identity this delivery linked are bound to the account the store now holds for it
 * (which may be a newer link than this delivery's).
 */
async function releaseParked(db: Db, links: readonly LookupLink[]): Promise<Released> {
  const out: Released = { parked: [], signals: [], patches: [] };
  const distinct = [...new Map(links.map((l) => [lookupId(l), { kind: l.kind, key: l.key }])).values()];
  await mapLimit(distinct, 8, async (lookup) => {
    const parked = await readParked(db, lookup);
    if (parked.length === 0) return;
    const answer = await lookupAccount(db, lookup);
    if ('unresolved' in answer) return;
    for (const record of parked) {
      out.parked.push(record);
      if (record.kind === 'signal') out.signals.push({ ...record.signal, accountId: answer.accountId });
      else out.patches.push(accountPatchSchema.parse({ ...record.patch, accountId: answer.accountId }));
    }
  });
  return out;
}

function learnedBeforeBinding(source: WebhookSource, body: unknown, result: ConnectorResult): LookupLink[] {
  if (source === 'segment') return segmentUserLinks(result.userLinks);
  if (source === 'stripe') {
    const link = stripeCustomerLink(body, { signals: result.signals, accountPatches: result.accountPatches });
    return link ? [link] : [];
  }
  return result.links ?? [];
}

/**
 * Stores what one verified, mapped webhook delivery says, exactly once:
 * 1. links the body teaches outright (Segment group calls, Stripe customers named by metadata, HubSpot
 *    deal-to-company associations);
 * 2. pending records bound through the stored lookups, the rest parked for later;
 * 3. links taught by the bound records (Zendesk tickets and organizations);
 * 4. records parked earlier under any identity linked now are released;
 * 5. every signal through the one ingest path; HubSpot companies and deals held, and accounts made of those that
 *    now can be (usecases/hubspot-accounts.ts), before every contract patch and profile change newer-wins (ARR from the side `arrFrom`
 *    names when billing and the CRM both feed an account);
 * 6. released records are removed from the parking area only after they were stored.
 * Every step is idempotent, so a retry after a crash, or a replayed delivery, changes nothing.
 */
export async function receiveWebhook(
  deps: UseCaseDeps,
  source: WebhookSource,
  body: unknown,
  result: ConnectorResult,
  mapping: ConnectorMapping = defaultConnectorMapping,
): Promise<WebhookOutcome> {
  const { db, config } = deps;
  const arrFrom = mapping.contracts.arrFrom;
  const now = deps.clock.now();
  const early = learnedBeforeBinding(source, body, result);
  let links = await putLinks(db, early);

  const bound = await resolvePending(db, result.needsAccount);
  await parkPending(db, bound.toPark, source, now);

  const signals: SignalInput[] = [...result.signals, ...bound.signals];
  const late = source === 'zendesk' ? zendeskLinks(body, signals) : [];
  links += await putLinks(db, late);

  const released = await releaseParked(db, [...early, ...late]);
  const ingested = await ingest(deps, [...signals, ...released.signals]);

  const rejections: WebhookRejection[] = [
    ...bound.rejections,
    ...ingested.rejected.map((r) => ({ ref: r.id ?? `record ${r.index}`, errors: r.errors })),
  ];
  // Companies and deals first, so an account they make now takes this delivery's patches and contacts.
  const held = { applied: 0, unchanged: 0 };
  const heldEvents = result.heldEvents ?? [];
  const heldObjects = new Map<string, HeldObject>();
  for (const event of heldEvents.filter((e) => e.objectType !== 'contact')) {
    const applied = await applyHeldEvent(db, event, now);
    held[applied.outcome] += 1;
    heldObjects.set(`${event.objectType}#${event.objectId}`, applied.held);
  }
  const accounts =
    heldObjects.size > 0
      ? await createHubspotAccounts(deps, [...heldObjects.values()], mapping)
      : { created: [], waiting: [] };
  const waitingAccount = new Set(
    accounts.waiting
      .map((w) => hubspotCompanyAccount(w.companyId, mapping.hubspot))
      .flatMap((a) => ('accountId' in a ? [a.accountId] : [])),
  );
  const waiting = new Map<string, string>();
  for (const event of heldEvents.filter((e) => e.objectType === 'contact')) {
    const applied = await applyHeldEvent(db, event, now);
    held[applied.outcome] += 1;
    if (!applied.placement) continue;
    if ('waiting' in applied.placement) waiting.set(event.objectId, applied.placement.waiting);
    else if (applied.placedIn) waiting.delete(event.objectId);
    else {
      waiting.set(event.objectId, `account "${applied.placement.accountId}" is not known yet`);
      await holdWaitingContact(db, applied.placement.accountId, event.objectId);
    }
  }

  const contracts = { applied: 0, unchanged: 0 };
  const touched = new Map<string, AccountContract>();
  const ignoredRecords: Ignored[] = [...result.ignored];
  for (const patch of [...result.accountPatches, ...bound.patches, ...released.patches]) {
    const applied = await applyAccountPatch(db, patch, now, arrFrom);
    if (applied.outcome === 'unknown_account' && waitingAccount.has(patch.accountId)) {
      ignoredRecords.push({ ref: `${patch.sourceRef}@${patch.eventId}`, reason: HELD_FOR_ACCOUNT });
      continue;
    }
    if (applied.outcome === 'unknown_account') {
      rejections.push({
        ref: `${patch.sourceRef}@${patch.eventId}`,
        errors: [
          {
            path: 'accountId',
            message: `unknown account "${patch.accountId}"; create it with POST /v1/accounts first`,
          },
        ],
      });
      continue;
    }
    contracts[applied.outcome] += 1;
    touched.set(patch.accountId, applied.contract);
  }
  const profiles = { applied: 0, unchanged: 0 };
  for (const change of result.profileChanges ?? []) {
    const applied = await applyProfileChange(db, change, now);
    if (applied === 'unknown_account' && waitingAccount.has(change.accountId)) {
      ignoredRecords.push({
        ref: `${change.source}:${change.field}@${change.eventId}`,
        reason: HELD_FOR_ACCOUNT,
      });
      continue;
    }
    if (applied === 'unknown_account') {
      rejections.push({
        ref: `${change.source}:${change.field}@${change.eventId}`,
        errors: [
          {
            path: 'accountId',
            message: `unknown account "${change.accountId}"; load it with churnguard sync hubspot first`,
          },
        ],
      });
      continue;
    }
    profiles[applied] += 1;
  }
  // What follows from a contract, done for replays too (each step is idempotent), so a crash between the patch
  // and these is repaired by the vendor's retry: renewal checkpoints follow the renewal date, as they do on an
  // account upsert, and the account is marked for scoring (ARR and renewal feed it).
  for (const [accountId, contract] of touched) {
    // A renewal already resolved (a lost renewal deal, a cancelled subscription) keeps its countdown closed.
    if (outcomeOfRenewal(await readContractHistory(db, accountId), contract.renewalDate)) continue;
    await syncRenewalTimers(db, { id: accountId, contract }, now, config.timers);
  }
  await markDirty(db, [...touched.keys()], now);
  await deleteParked(db, released.parked);

  return {
    source,
    accepted: ingested.accepted,
    duplicates: ingested.duplicates,
    rejected: rejections.length,
    ignored: ignoredRecords.length,
    lookups: { resolved: bound.resolved, parked: bound.toPark.length, released: released.parked.length },
    contracts,
    profiles,
    held,
    waitingContacts: [...waiting].map(([contactId, reason]) => ({ contactId, reason })).slice(0, MAX_LISTED),
    accounts: { created: accounts.created, waiting: accounts.waiting.slice(0, MAX_LISTED) },
    links,
    rejections: rejections.slice(0, MAX_LISTED),
    ignoredRecords: ignoredRecords.slice(0, MAX_LISTED),
    unresolved: bound.unresolved.slice(0, MAX_LISTED),
  };
}
