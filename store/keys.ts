import { createHash } from 'node:crypto';

/**
 * The one key builder. Single table, key scheme (pk / sk):
 *
 *   ACCOUNT#<accountId> / PROFILE                        account profile (contacts, contract, CSM)
 *   ACCOUNT#<accountId> / SIGNAL#<yyyy-mm-dd>#<signalId> one raw signal; its existence is the idempotency record
 *   ACCOUNT#<accountId> / ROLLUP#<yyyy-mm-dd>            daily rollup, recomputed from that day's signals
 *   ACCOUNT#<accountId> / TICKET#<ticketId>              ticket lifecycle (opened, closed, priority)
 *   APIKEY#<sha256 of key> / APIKEY                      a hashed API key (the key itself is never stored)
 *   INGEST#REJECTS#<yyyy-mm-dd> / <receivedAt>#<source>#<n> a record the async path could not accept, with why
 *   ACCOUNT#<accountId> / BILLING                        billing summary: version guarding contract updates
 *   ACCOUNT#<accountId> / BILLING#<sourceRef>            one billing object's contract (a Stripe subscription)
 *   LOOKUP#<kind>#<vendor key> / LINK                    vendor identity -> account (segment_user,
 *                                                        stripe_customer, zendesk_organization, zendesk_ticket)
 *   LOOKUP#contact_email#<email> / ACCOUNT#<accountId>   an account contact's email (one item per account)
 *   PARKED#<kind>#<vendor key> / SIGNAL#<signalId>       a webhook record waiting for that lookup to exist
 *   PARKED#<kind>#<vendor key> / PATCH#<sourceRef>#<eventId>
 *   TIMERS#<yyyy-mm-dd due> / <dueAt>#<kind>#<accountId>#<ref>  a pending timer, found by due day (dispatcher)
 *   ACCOUNT#<accountId> / TIMER#<kind>#<ref>             where that account's timer currently sits (to move it)
 *   DISPATCHER / CURSOR                                  the earliest due day that may still hold pending timers
 *   ACCOUNT#<accountId> / RISK#<riskId>                  a risk (escalation) record
 *   ACCOUNT#<accountId> / RISK#OPEN                      the one open risk of an account (guards double opening)
 *   REVIEW#<region> / <accountId>                        an account on its region's weekly cross-functional review
 *   ACCOUNT#<accountId> / EVENT#<causeId>                a timeline entry, written once per cause
 *   ACCOUNT#<accountId> / CONTRACT#<at>#<ref>            a change of the contract's ARR or a renewal outcome, from
 *                                                        `at` on (core/renewals/contract-history.ts): retention's history
 *   ACCOUNT#<accountId> / RENEWALCALL                    the CSM's own forecast of the renewal, with its renewal date
 *   ACCOUNT#<accountId> / ISSUE#<issueId>                a health issue (seed 000): category, impact, plan, status
 *
 * Messages (store/send-ledger-store.ts, notice-queue-store.ts, contact-preferences-store.ts, in-app-store.ts):
 *
 *   ACCOUNT#<accountId> / SEND#<play>#<about>#<recipient>#<occurrence>
 *                                                        send ledger: one row per message ever decided, reserved
 *                                                        (conditional put) with its rendered content before
 *                                                        anything is sent; then sending, sent or failed (or
 *                                                        queued for a daily notice mail); guards every send once
 *   TEAM#<name> / SEND#<play>#<about>#<recipient>#<occurrence>
 *                                                        the same for mail that belongs to no one account: the
 *                                                        daily notice mail of a person, the weekly regional digest
 *   NOTICEQ#<yyyy-mm-dd> / <recipient hash>#<accountId>#<message key>
 *                                                        a routine notice waiting for that day's mail to its
 *                                                        recipient (the row it settles is in the account's ledger)
 *   HELDPOST#<yyyy-mm-dd> / <ledger partition>#<message key>
 *                                                        a Slack or Teams post held by a quiet day, waiting for
 *                                                        that day's daily notice run (its row stays `queued` in
 *                                                        its ledger until then)
 *   ACCOUNT#<accountId> / NOTSENT#<play>#<about>#<recipient>#<occurrence>#<reason>
 *                                                        a message not sent and why (dropped, deferred, held out,
 *                                                        would have sent); rewritten identically on a retry
 *   ACCOUNT#<accountId> / PROFILEFIELD#<source>#<field>  the vendor event that last changed a profile field (a
 *                                                        HubSpot company's name, region, owner): newer wins
 *   HUBSPOT#<contact|company|deal>#<objectId> / HELD   what HubSpot webhooks said of one contact, company or
 *                                                        deal, newer wins per property, and the account the contact
 *                                                        was placed on (core/connectors/hubspot-contact.ts)
 *   HUBSPOT#company#<companyId> / DEAL#<dealId>          a deal held as this company's (its held record decides)
 *   HUBSPOT#company#<companyId> / ACCOUNT                the account made of this company: being created, created
 *   HUBSPOT#account#<accountId> / CONTACT#<contactId>    a held contact waiting for this account to be made
 *   ACCOUNT#<accountId> / UNSUBSCRIBED#<contactId>       a contact who unsubscribed (one click)
 *   ACCOUNT#<accountId> / DEPARTED#<contactId>           a contact who left the customer (sponsor_left naming them)
 *   SUPPRESSED#<email lower case> / SUPPRESSED           an address SES reported as bounced or complained
 *   SUPPRESSED#<email lower case> / LISTPREFERENCE       the SES contact-list topics an address refuses (SES's own
 *                                                        unsubscribe header or preference page): newer wins
 *   INAPP#<accountId>#<contactId> / <at>#<message key>   an in-app message for the vendor's product UI
 *   SETTINGS#UNSUBSCRIBE / HMAC                          the HMAC key of unsubscribe links, generated once
 *   SETTINGS#DEMO / LOADED                               the demo portfolio `npm run demo` loaded, and when
 *   ACCOUNT#<accountId> / REVIEW#<reviewId>              a business / health-check review and its outcome
 *   RISKS#<region> / <riskId>                            an open risk, indexed by region for the weekly digest
 *   RISKREGIONS / <region>                               the regions that have had risks
 *   DIGEST#<region> / WEEK#<iso week>                    what that week's digest listed, to say what changed next
 *
 * Health (store/health-store.ts, baseline-store.ts, portfolio-store.ts, dirty-store.ts):
 *
 *   ACCOUNT#<accountId> / HEALTH                         current health: snapshot, journey standing, milestone
 *                                                        achievements, score trail; `revision` guards every write
 *   ACCOUNT#<accountId> / HEALTH#HISTORY#<at>#<revision> one change of the health: what it became, why it was
 *                                                        scored, and what moved it (component and signal deltas)
 *   HEALTH#BASELINES / CURRENT                           per-segment baselines and the model they were learnt under
 *   HEALTH#MODEL / CURRENT                               model version the last whole-portfolio pass finished under
 *   PORTFOLIO#<shard> / ACCOUNT#<accountId>              registry of every account, with its health summary (band,
 *                                                        class, segment, model): what portfolio passes and views read
 *   DIRTY#<shard> / ACCOUNT#<accountId>                  account whose signals or profile changed since it was
 *                                                        scored; `marks` counts the changes (see dirty-store.ts)
 *
 *   HEALTH#PASS / LEASE                                  who runs the scheduled health pass now, until when
 *   HEALTH#PASS / RUN                                    the whole-portfolio pass in progress: phase, shard, cursor
 *   HEALTH#PASS#<runId> / SAMPLES#<shard>#<n>            baseline samples a pass gathered (expire by TTL)
 *
 * <shard> is 0-7 from a hash of the account id (shardOf), so the registry and the dirty markers spread their writes
 * over several partitions yet a whole-portfolio read is a handful of Queries, never a table Scan.
 *
 * Vendor keys in LOOKUP, PARKED and BILLING keys longer than 512 characters are replaced by `sha256:<hex>` of
 * themselves, so keys stay bounded.
 *
 * A signal's idempotency key is (accountId, UTC day of occurredAt, id): a replay carries the same payload, so it
 * lands on the same key. All keys of one account share a partition, so one Query reads a day or a range.
 */
export type Key = { pk: string; sk: string };

/** Whose ledger a message is in: an account's, or a team's (a person's daily notices, a region's digest). */
export type LedgerOwner = { accountId: string } | { team: string };

const MAX_KEY_PART = 512;

/** A vendor-supplied key part, bounded: long ones are hashed (deterministically, so replays hit the same key). */
function keyPart(value: string): string {
  if (value.length <= MAX_KEY_PART) return value;
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

const ACCOUNT = 'ACCOUNT#';
const APIKEY = 'APIKEY#';
const TIMERS = 'TIMERS#';

/** The partition of a send ledger row: its account's, or a team's for mail that belongs to no one account. */
function ledgerPartition(owner: LedgerOwner): string {
  return 'accountId' in owner ? `${ACCOUNT}${owner.accountId}` : `TEAM#${keyPart(owner.team)}`;
}

/** Partitions the account registry and the dirty markers are spread over. */
export const SHARD_COUNT = 8;

/** The shard of an account: FNV-1a of its id, so every writer and reader agrees without a lookup. */
export function shardOf(accountId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARD_COUNT;
}

export const SHARDS: readonly number[] = Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

export const keys = {
  accountPartition: (accountId: string) => `${ACCOUNT}${accountId}`,
  account: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'PROFILE' }),
  signal: (accountId: string, day: string, signalId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `SIGNAL#${day}#${signalId}`,
  }),
  signalPrefix: 'SIGNAL#',
  signalDayPrefix: (day: string) => `SIGNAL#${day}#`,
  rollup: (accountId: string, day: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: `ROLLUP#${day}` }),
  rollupPrefix: 'ROLLUP#',
  ticket: (accountId: string, ticketId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `TICKET#${ticketId}`,
  }),
  ticketPrefix: 'TICKET#',
  apiKey: (keyHash: string): Key => ({ pk: `${APIKEY}${keyHash}`, sk: 'APIKEY' }),
  billing: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'BILLING' }),
  profileField: (accountId: string, source: string, field: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `PROFILEFIELD#${source}#${field}`,
  }),
  hubspotHeldPartition: (objectType: string, objectId: string) =>
    `HUBSPOT#${objectType}#${keyPart(objectId)}`,
  hubspotHeld: (objectType: string, objectId: string): Key => ({
    pk: `HUBSPOT#${objectType}#${keyPart(objectId)}`,
    sk: 'HELD',
  }),
  hubspotCompanyDeal: (companyId: string, dealId: string): Key => ({
    pk: `HUBSPOT#company#${keyPart(companyId)}`,
    sk: `DEAL#${keyPart(dealId)}`,
  }),
  hubspotCompanyDealPrefix: 'DEAL#',
  hubspotWaitingContact: (accountId: string, contactId: string): Key => ({
    pk: `HUBSPOT#account#${keyPart(accountId)}`,
    sk: `CONTACT#${keyPart(contactId)}`,
  }),
  hubspotWaitingContactPrefix: 'CONTACT#',
  hubspotAccountCreation: (companyId: string): Key => ({
    pk: `HUBSPOT#company#${keyPart(companyId)}`,
    sk: 'ACCOUNT',
  }),
  billingSource: (accountId: string, sourceRef: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `BILLING#${keyPart(sourceRef)}`,
  }),
  /** Both the summary and the sources: `begins_with(sk, billingPrefix)`. */
  billingPrefix: 'BILLING',
  lookupPartition: (kind: string, key: string) => `LOOKUP#${kind}#${keyPart(key)}`,
  lookupLink: (kind: string, key: string): Key => ({ pk: `LOOKUP#${kind}#${keyPart(key)}`, sk: 'LINK' }),
  contactEmail: (email: string, accountId: string): Key => ({
    pk: `LOOKUP#contact_email#${keyPart(email)}`,
    sk: `${ACCOUNT}${accountId}`,
  }),
  parkedPartition: (kind: string, key: string) => `PARKED#${kind}#${keyPart(key)}`,
  parkedSignal: (kind: string, key: string, signalId: string): Key => ({
    pk: `PARKED#${kind}#${keyPart(key)}`,
    sk: `SIGNAL#${keyPart(signalId)}`,
  }),
  parkedPatch: (kind: string, key: string, sourceRef: string, eventId: string): Key => ({
    pk: `PARKED#${kind}#${keyPart(key)}`,
    sk: `PATCH#${keyPart(`${sourceRef}#${eventId}`)}`,
  }),
  health: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'HEALTH' }),
  healthChange: (accountId: string, at: string, revision: number): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `HEALTH#HISTORY#${at}#${String(revision).padStart(10, '0')}`,
  }),
  healthChangePrefix: 'HEALTH#HISTORY#',
  baselines: (): Key => ({ pk: 'HEALTH#BASELINES', sk: 'CURRENT' }),
  healthModel: (): Key => ({ pk: 'HEALTH#MODEL', sk: 'CURRENT' }),
  portfolioPartition: (shard: number) => `PORTFOLIO#${shard}`,
  portfolioEntry: (accountId: string): Key => ({
    pk: `PORTFOLIO#${shardOf(accountId)}`,
    sk: `${ACCOUNT}${accountId}`,
  }),
  dirtyPartition: (shard: number) => `DIRTY#${shard}`,
  healthPassLease: { pk: 'HEALTH#PASS', sk: 'LEASE' } as Key,
  healthPassRun: { pk: 'HEALTH#PASS', sk: 'RUN' } as Key,
  healthPassRunPartition: (runId: string) => `HEALTH#PASS#${runId}`,
  healthPassSamples: (runId: string, shard: number, n: number): Key => ({
    pk: `HEALTH#PASS#${runId}`,
    sk: `SAMPLES#${shard}#${String(n).padStart(6, '0')}`,
  }),
  dirty: (accountId: string): Key => ({ pk: `DIRTY#${shardOf(accountId)}`, sk: `${ACCOUNT}${accountId}` }),
  ingestReject: (day: string, receivedAt: string, source: string, index: number): Key => ({
    pk: `INGEST#REJECTS#${day}`,
    sk: `${receivedAt}#${source}#${String(index).padStart(6, '0')}`,
  }),
  timerDue: (dueAt: string, kind: string, accountId: string, ref: string): Key => ({
    pk: `${TIMERS}${dueAt.slice(0, 10)}`,
    sk: `${dueAt}#${kind}#${accountId}#${ref}`,
  }),
  timerDuePartition: (day: string) => `${TIMERS}${day}`,
  timerPointer: (accountId: string, kind: string, ref: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `TIMER#${kind}#${ref}`,
  }),
  timerPointerPrefix: (kind?: string) => (kind ? `TIMER#${kind}#` : 'TIMER#'),
  dispatcherCursor: { pk: 'DISPATCHER', sk: 'CURSOR' } as Key,
  risk: (accountId: string, riskId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: `RISK#${riskId}` }),
  openRisk: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'RISK#OPEN' }),
  regionalReview: (region: string, accountId: string): Key => ({ pk: `REVIEW#${region}`, sk: accountId }),
  regionalReviewPartition: (region: string) => `REVIEW#${region}`,
  timelineEvent: (accountId: string, causeId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `EVENT#${causeId}`,
  }),
  timelinePrefix: 'EVENT#',
  ledgerPartition,
  sendLedger: (owner: LedgerOwner, messageKeyId: string): Key => ({
    pk: ledgerPartition(owner),
    sk: `SEND#${keyPart(messageKeyId)}`,
  }),
  noticeQueuePartition: (day: string) => `NOTICEQ#${day}`,
  heldPostPartition: (day: string) => `HELDPOST#${day}`,
  heldPost: (day: string, owner: LedgerOwner, messageKeyId: string): Key => ({
    pk: `HELDPOST#${day}`,
    sk: `${ledgerPartition(owner)}#${keyPart(messageKeyId)}`,
  }),
  noticeQueued: (day: string, recipientHash: string, accountId: string, messageKeyId: string): Key => ({
    pk: `NOTICEQ#${day}`,
    sk: `${recipientHash}#${accountId}#${keyPart(messageKeyId)}`,
  }),
  departed: (accountId: string, contactId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `DEPARTED#${contactId}`,
  }),
  departedPrefix: 'DEPARTED#',
  sendLedgerPrefix: 'SEND#',
  notSent: (accountId: string, messageKeyId: string, reason: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `NOTSENT#${keyPart(`${messageKeyId}#${reason}`)}`,
  }),
  notSentPrefix: 'NOTSENT#',
  unsubscribed: (accountId: string, contactId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `UNSUBSCRIBED#${contactId}`,
  }),
  unsubscribedPrefix: 'UNSUBSCRIBED#',
  suppressed: (email: string): Key => ({
    pk: `SUPPRESSED#${keyPart(email.toLowerCase())}`,
    sk: 'SUPPRESSED',
  }),
  listPreference: (email: string): Key => ({
    pk: `SUPPRESSED#${keyPart(email.toLowerCase())}`,
    sk: 'LISTPREFERENCE',
  }),
  unsubscribeSecret: { pk: 'SETTINGS#UNSUBSCRIBE', sk: 'HMAC' } as Key,
  demoMarker: { pk: 'SETTINGS#DEMO', sk: 'LOADED' } as Key,
  apiKeyPartitionPrefix: APIKEY,
  timersPartitionPrefix: TIMERS,
  inAppPartition: (accountId: string, contactId: string) => `INAPP#${accountId}#${contactId}`,
  inAppMessage: (accountId: string, contactId: string, at: string, messageKeyId: string): Key => ({
    pk: `INAPP#${accountId}#${contactId}`,
    sk: `${at}#${keyPart(messageKeyId)}`,
  }),
  regionRisk: (region: string, riskId: string): Key => ({ pk: `RISKS#${region}`, sk: riskId }),
  riskRegion: (region: string): Key => ({ pk: 'RISKREGIONS', sk: region }),
  digestPartition: (region: string) => `DIGEST#${region}`,
  digestWeek: (region: string, week: string): Key => ({ pk: `DIGEST#${region}`, sk: `WEEK#${week}` }),
  contractEvent: (accountId: string, at: string, ref: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `CONTRACT#${at}#${keyPart(ref)}`,
  }),
  contractEventPrefix: 'CONTRACT#',
  renewalCall: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'RENEWALCALL' }),
  issue: (accountId: string, issueId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `ISSUE#${issueId}`,
  }),
  issuePrefix: 'ISSUE#',
  review: (accountId: string, reviewId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `REVIEW#${reviewId}`,
  }),
} as const;
