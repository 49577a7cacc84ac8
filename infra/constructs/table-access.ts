import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { keys, SHARDS } from '../../store/keys.ts';

/**
 * Which items of the one table each function may touch, by partition key (`dynamodb:LeadingKeys`), and how.
 *
 * Why conditions per partition rather than moving API keys and the unsubscribe secret out of the table: the
 * partition key already says what an item is (store/keys.ts), IAM can match it, and so one mechanism limits every
 * function to the item kinds it uses (a webhook cannot mint an API key, read the unsubscribe secret, or write a
 * timer; the suppression function can only add suppressions), with no second store, no extra latency and the same
 * code locally. What IAM cannot limit is the sort key: a function that may write `ACCOUNT#...` may write any item
 * of an account's partition.
 *
 * Patterns are built with the key builder itself, `*` standing for the variable part, so they cannot drift from
 * the keys the store writes. Sharded partitions are listed exactly.
 */
export const PARTITIONS = {
  /** Profile, signals, rollups, tickets, health, timers' pointers, risks, reviews, ledgers, timeline. */
  account: [keys.accountPartition('*')],
  apiKey: [keys.apiKey('*').pk],
  ingestRejects: [keys.ingestReject('*', '*', '*', 0).pk],
  lookup: [keys.lookupPartition('*', '*')],
  parked: [keys.parkedPartition('*', '*')],
  /** HubSpot contacts, companies and deals held from webhooks until they make a contact or an account. */
  hubspotHeld: [keys.hubspotHeldPartition('*', '*')],
  timers: [keys.timerDuePartition('*')],
  dispatcherCursor: [keys.dispatcherCursor.pk],
  regionalReview: [keys.regionalReviewPartition('*')],
  regionRisks: [keys.regionRisk('*', '*').pk],
  riskRegions: [keys.riskRegion('*').pk],
  digest: [keys.digestPartition('*')],
  /** Send ledgers of mail that belongs to no one account (a person's daily notices, a region's digest). */
  teamLedger: [keys.ledgerPartition({ team: '*' })],
  noticeQueue: [keys.noticeQueuePartition('*')],
  /** Slack and Teams posts held by a quiet day, by the day that posts them. */
  heldPosts: [keys.heldPostPartition('*')],
  suppressed: [keys.suppressed('*').pk],
  inApp: [keys.inAppPartition('*', '*')],
  unsubscribeSecret: [keys.unsubscribeSecret.pk],
  baselines: [keys.baselines().pk],
  healthModel: [keys.healthModel().pk],
  portfolio: SHARDS.map((shard) => keys.portfolioPartition(shard)),
  dirty: SHARDS.map((shard) => keys.dirtyPartition(shard)),
  healthPass: [keys.healthPassLease.pk, keys.healthPassRunPartition('*')],
} as const satisfies Record<string, readonly string[]>;

export type Partition = keyof typeof PARTITIONS;

/**
 * The partitions a function reads, those it writes (a partition in both when it does both), those it inserts
 * into with PartiQL `INSERT` (an item only if its key is free, 25 to a request: the ingest path's signals, a bulk
 * upsert's dirty markers; IAM names it apart from PutItem), and those it changes with PartiQL `UPDATE` (a
 * conditional change of an existing item, 25 to a request: the ingest path's rollups, tickets and dirty markers, a
 * health pass's claims of dirty markers; IAM names it apart from UpdateItem) or removes with PartiQL `DELETE` (a
 * health pass clearing the dirty markers it claimed, 25 to a request; IAM names it apart from DeleteItem).
 */
export interface TableAccess {
  read?: readonly Partition[];
  write?: readonly Partition[];
  insert?: readonly Partition[];
  update?: readonly Partition[];
  delete?: readonly Partition[];
}

/** Item reads: no Scan (it names no partition, so no condition could bound it), no table-level actions. */
export const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;
/** Item writes, alone or inside TransactWriteItems / BatchWriteItem (IAM authorizes each item's own action). */
export const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

const patterns = (partitions: readonly Partition[]) => [
  ...new Set(partitions.flatMap((partition) => PARTITIONS[partition])),
];

/**
 * Grants `grantee` the item actions `access` names on `table`, each bounded to its partitions: every key of the
 * request must match (`ForAllValues:StringLike`), and a request that names no key is refused (`Null` false),
 * since `ForAllValues` alone holds for an empty set.
 */
export function grantTableAccess(table: ITableV2, grantee: IGrantable, access: TableAccess): void {
  const readable = patterns(access.read ?? []);
  const writable = patterns(access.write ?? []);
  const statement = (actions: readonly string[], leadingKeys: string[]) =>
    new PolicyStatement({
      actions: [...actions],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    });
  if (readable.length) grantee.grantPrincipal.addToPrincipalPolicy(statement(READ_ACTIONS, readable));
  if (writable.length) grantee.grantPrincipal.addToPrincipalPolicy(statement(WRITE_ACTIONS, writable));
  const insertable = patterns(access.insert ?? []);
  if (insertable.length)
    grantee.grantPrincipal.addToPrincipalPolicy(statement(['dynamodb:PartiQLInsert'], insertable));
  const updatable = patterns(access.update ?? []);
  if (updatable.length)
    grantee.grantPrincipal.addToPrincipalPolicy(statement(['dynamodb:PartiQLUpdate'], updatable));
  const deletable = patterns(access.delete ?? []);
  if (deletable.length)
    grantee.grantPrincipal.addToPrincipalPolicy(statement(['dynamodb:PartiQLDelete'], deletable));
}

const INGEST_WRITES = [
  'account',
  'dirty',
  'timers',
  'dispatcherCursor',
  'regionRisks',
  'regionalReview',
] as const satisfies readonly Partition[];

/** What the ingest path writes 25 to a request: signals, rollups and tickets (account), dirty markers. */
const INGEST_STATEMENTS = ['account', 'dirty'] as const satisfies readonly Partition[];

/** A workflow's Evaluate step: the account, its health (written when stale) and what health is scored against. */
const EVALUATE = {
  read: ['account', 'portfolio', 'dirty', 'baselines', 'healthModel'],
  write: ['account', 'portfolio', 'dirty'],
} as const satisfies TableAccess;

/**
 * Every function's access, named by the function's key in `ChurnGuard.functions`. A new function gets a row here,
 * and a row in tests/infra/iam.test.ts proves what it may and may not do; tests/infra/table-access.test.ts runs
 * each function's code against DynamoDB Local and checks every call it made against its synthesized role.
 */
export const TABLE_ACCESS = {
  // API: every route but the two public ones reads the caller's hashed API key.
  accounts: {
    read: [
      'apiKey',
      'account',
      'lookup',
      'portfolio',
      'dirty',
      'timers',
      'dispatcherCursor',
      'baselines',
      'healthModel',
    ],
    write: ['account', 'lookup', 'portfolio', 'dirty', 'timers', 'dispatcherCursor'],
    insert: ['dirty'],
  },
  signals: {
    read: ['apiKey', ...INGEST_WRITES],
    write: INGEST_WRITES,
    insert: INGEST_STATEMENTS,
    update: INGEST_STATEMENTS,
  },
  // The renewal desk and retention read the open risks by region. Reads score a few dirty accounts (a pass:
  // claims and clears their dirty markers 25 to a request).
  portfolio: {
    read: [
      'apiKey',
      'account',
      'portfolio',
      'dirty',
      'baselines',
      'healthModel',
      'regionRisks',
      'riskRegions',
    ],
    write: ['account', 'portfolio', 'dirty'],
    update: ['dirty'],
    delete: ['dirty'],
  },
  // Health issues mark their account for rescoring (an overdue plan step is a driver).
  risks: { read: ['apiKey', 'account'], write: ['account', 'dirty'] },
  messaging: { read: ['apiKey', 'account', 'inApp'] },
  // Public: vendor webhooks (signed) and one-click unsubscribe (an HMAC token). Neither reads an API key.
  // A HubSpot company's profile change goes through the account upsert, which inserts the dirty marker.
  // A company created in HubSpot becomes an account as POST /v1/accounts makes one (registered in the portfolio).
  webhooks: {
    read: [...INGEST_WRITES, 'lookup', 'parked', 'hubspotHeld', 'portfolio'],
    write: [...INGEST_WRITES, 'lookup', 'parked', 'hubspotHeld', 'portfolio'],
    insert: INGEST_STATEMENTS,
    update: INGEST_STATEMENTS,
  },
  unsubscribe: { read: ['unsubscribeSecret'], write: ['account'] },
  // Asynchronous and scheduled.
  signalQueue: {
    read: INGEST_WRITES,
    write: [...INGEST_WRITES, 'ingestRejects'],
    insert: INGEST_STATEMENTS,
    update: INGEST_STATEMENTS,
  },
  sesEvents: { write: ['suppressed'] },
  // Risk detection after each account is scored starts a risk check through a timer. A pass claims and clears the
  // dirty markers 25 to a request.
  healthPass: {
    read: [
      'account',
      'portfolio',
      'dirty',
      'baselines',
      'healthModel',
      'healthPass',
      'timers',
      'dispatcherCursor',
    ],
    write: [
      'account',
      'portfolio',
      'dirty',
      'baselines',
      'healthModel',
      'healthPass',
      'timers',
      'dispatcherCursor',
    ],
    update: ['dirty'],
    delete: ['dirty'],
  },
  dispatcher: {
    read: ['timers', 'account', 'dispatcherCursor'],
    write: ['timers', 'account', 'dispatcherCursor'],
  },
  // The daily notice mails settle each queued notice in its account's ledger and release the posts quiet days
  // held; the digest is sent once a week (held too on a quiet day).
  digest: {
    read: ['account', 'regionRisks', 'riskRegions', 'digest', 'teamLedger', 'noticeQueue', 'heldPosts'],
    write: ['account', 'digest', 'teamLedger', 'noticeQueue', 'heldPosts'],
  },
  // Workflows: each Evaluate step reads the account as the API shows it (scoring it first when stale, as any
  // reader would); only the executor applies what was decided and sends.
  renewalCheckpoint: EVALUATE,
  riskEscalation: EVALUATE,
  milestoneJourney: EVALUATE,
  reviewProgramme: EVALUATE,
  effects: {
    read: [
      'account',
      'regionRisks',
      'riskRegions',
      'regionalReview',
      'timers',
      'dispatcherCursor',
      'suppressed',
      'inApp',
      'unsubscribeSecret',
      'noticeQueue',
    ],
    write: [
      'account',
      'regionRisks',
      'riskRegions',
      'regionalReview',
      'timers',
      'dispatcherCursor',
      'inApp',
      'unsubscribeSecret',
      'noticeQueue',
      'heldPosts',
    ],
  },
} as const satisfies Record<string, TableAccess>;

export type TableUser = keyof typeof TABLE_ACCESS;
