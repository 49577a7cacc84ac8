import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../store/table.ts';

export interface DataTableProps {
  /** Keep the table when the stack is deleted, and refuse to delete it by accident (deletion protection). */
  retain: boolean;
}

/**
 * The single churnguard table. Key scheme (see store/keys.ts, the one key builder):
 *   ACCOUNT#<id> / PROFILE                  account profile
 *   ACCOUNT#<id> / SIGNAL#<day>#<signalId>  raw signal (its existence is the idempotency record); expires (TTL)
 *   ACCOUNT#<id> / ROLLUP#<day>             daily rollup, recomputed from that day's signals
 *   ACCOUNT#<id> / TICKET#<ticketId>        ticket lifecycle
 *   APIKEY#<sha256> / APIKEY                hashed API key
 *   INGEST#REJECTS#<day> / <at>#<source>#n  records the async path refused, with reasons
 *   ACCOUNT#<id> / BILLING[#<sourceRef>]    billing summary and per-subscription contract (Stripe webhooks)
 *   LOOKUP#<kind>#<key> / LINK              vendor identity -> account (Segment user, Stripe customer, Zendesk
 *                                           organization or ticket), learned from webhooks
 *   LOOKUP#contact_email#<email> / ACCOUNT#<id>  account contact emails, written with the account profile
 *   PARKED#<kind>#<key> / SIGNAL#.. | PATCH#..   webhook records waiting for their account lookup
 *   ACCOUNT#<id> / HEALTH                   current health snapshot, journey standing, milestones, score trail
 *   ACCOUNT#<id> / HEALTH#HISTORY#<at>#<rev>  one health change and what moved it
 *   HEALTH#BASELINES / CURRENT              per-segment baselines;  HEALTH#MODEL / CURRENT: last full-pass model
 *   PORTFOLIO#<0-7> / ACCOUNT#<id>          account registry with its health summary (portfolio passes and view)
 *   DIRTY#<0-7> / ACCOUNT#<id>              accounts to score again (new signals or profile change)
 *   HEALTH#PASS / LEASE | RUN               the scheduled health pass: who runs it, the whole pass in progress
 *   HEALTH#PASS#<runId> / SAMPLES#<shard>#n baseline samples of a whole pass (expire)
 *   ACCOUNT#<id> / SEND#<play>#<milestone>#<recipient>#<occurrence>  send ledger, reserved before SES is called
 *   ACCOUNT#<id> / NOTSENT#<...>#<reason>   a nudge not sent and why (dropped, deferred, held out, silent)
 *   ACCOUNT#<id> / UNSUBSCRIBED#<contactId> one-click unsubscribes;  SUPPRESSED#<email> / SUPPRESSED: bounces
 *   INAPP#<contactId> / <at>#<message key>  in-app messages for the vendor's product UI
 */
export class DataTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      // Raw signals expire config.retention.rawSignalDays after they arrive, a health pass's baseline samples a
      // week after it; nothing else carries the attribute.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
