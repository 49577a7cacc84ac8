import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  CfnContactList,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_JOURNEY_TOPICS, type JourneyTopics } from '../../core/journeys/topics.ts';

/** Who churnguard's email comes from. The domain is verified in SES with Easy DKIM (docs/deploy.md). */
export interface SenderProps {
  /** The sending domain, e.g. `mail.vendor.example`; churnguard creates its SES identity with Easy DKIM. */
  domain: string;
  /** The From address, on that domain, e.g. `success@mail.vendor.example`. Defaults to `customer-success@<domain>`. */
  fromAddress?: string;
  /** A custom MAIL FROM subdomain (e.g. `bounce.mail.vendor.example`) so SPF aligns for DMARC. */
  mailFromDomain?: string;
  /**
   * Create the SES identity for the domain (default). Set false when the domain is already verified in this
   * account and region by another stack: SES holds one identity per domain.
   */
  createIdentity?: boolean;
}

/** A subscription topic in the SES contact list: what a contact can opt out of on its own. */
export interface SubscriptionTopic {
  /** Stable id used when sending (`ListManagementOptions.TopicName`). */
  name: string;
  displayName: string;
  description: string;
  /** Whether a contact who never chose receives this topic. */
  defaultSubscriptionStatus: 'OPT_IN' | 'OPT_OUT';
}

export const DEFAULT_SUBSCRIPTION_TOPICS: readonly SubscriptionTopic[] = [
  {
    name: 'milestones',
    displayName: 'Onboarding milestones',
    description: 'Emails when your rollout reaches or misses a milestone',
    defaultSubscriptionStatus: 'OPT_IN',
  },
  {
    name: 'nudges',
    displayName: 'Tips and nudges',
    description: 'Occasional suggestions to get more from the product',
    defaultSubscriptionStatus: 'OPT_IN',
  },
  {
    name: 'reviews',
    displayName: 'Business reviews',
    description: 'Invitations to health-check and business reviews',
    defaultSubscriptionStatus: 'OPT_IN',
  },
];

export interface EmailProps {
  sender?: SenderProps;
  /**
   * Subscription topics of the SES contact list (one-click unsubscribe per topic). SES allows one contact list
   * per account and region: set `contactList: false` on a second stage in the same account.
   */
  topics?: readonly SubscriptionTopic[];
  contactList?: boolean;
  /**
   * With `contactList: false`: the name of the contact list another stage created, so that this stage's journey
   * emails still honour its topics. Without it, this stage sends without list management.
   */
  contactListName?: string;
  /**
   * The topic each kind of journey email is sent under (ListManagementOptions.TopicName); defaults to
   * DEFAULT_JOURNEY_TOPICS (congratulations, escalations and renewal notices under `milestones`, nudges and tips
   * under `nudges`). Every topic named must be one of `topics` when this stage creates the contact list.
   */
  journeyTopics?: Partial<JourneyTopics>;
  /**
   * Keep the contact list (contacts' own topic choices and SES-side unsubscribes) and the sender identity (its
   * DKIM keys, already published in DNS) when the stack is deleted.
   */
  retain?: boolean;
}

/** The SES events churnguard's restraint learns from: bounces, complaints, contact-list choices (functions/ses-events). */
export const FEEDBACK_DETAIL_TYPES = [
  'Email Bounced',
  'Email Complaint Received',
  'Email Subscribed',
] as const;

/**
 * Email plumbing: the SES configuration set every message is sent with (reputation metrics on, TLS required,
 * bounces and complaints suppressed account-wide), an event destination that puts bounce, complaint and reject
 * events on the default EventBridge bus (consumed through `deliverFeedbackTo`), the sender identity with Easy
 * DKIM, and the contact list with its topics.
 */
export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly identity?: EmailIdentity;
  readonly contactList?: CfnContactList;
  /** The contact list journey emails are sent with: this stage's, or the one named in `contactListName`. */
  readonly contactListName?: string;
  readonly fromAddress?: string;
  readonly journeyTopics: JourneyTopics;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // A nudge that cannot be delivered within a working day is stale; SES's default keeps trying for 14 hours.
      maxDeliveryDuration: Duration.hours(12),
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      // SUBSCRIPTION: a contact's choices in the contact list (SES's own unsubscribe header), copied to churnguard's
      // restraint so that mail SES would refuse is dropped with its reason instead of recorded as sent.
      events: [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.SUBSCRIPTION,
      ],
    });

    const sender = props.sender;
    if (sender) {
      this.fromAddress = sender.fromAddress ?? `customer-success@${sender.domain}`;
      if (!this.fromAddress.endsWith(`@${sender.domain}`)) {
        throw new Error(`sender.fromAddress ${this.fromAddress} must be an address on ${sender.domain}`);
      }
      if (sender.createIdentity ?? true) {
        this.identity = new EmailIdentity(this, 'Identity', {
          identity: Identity.domain(sender.domain),
          configurationSet: this.configurationSet,
          dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
          ...(sender.mailFromDomain ? { mailFromDomain: sender.mailFromDomain } : {}),
        });
        this.identity.applyRemovalPolicy(props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        // The DKIM CNAMEs to publish in the domain's DNS (docs/deploy.md, "Verify the sending domain").
        this.identity.dkimRecords.forEach((record, i) => {
          new CfnOutput(this, `DkimRecord${i + 1}`, {
            description: `Easy DKIM CNAME ${i + 1} for ${sender.domain}`,
            value: `${record.name} CNAME ${record.value}`,
          });
        });
      }
    }

    this.journeyTopics = { ...DEFAULT_JOURNEY_TOPICS, ...props.journeyTopics };
    if (props.contactList ?? true) {
      const topics = props.topics ?? DEFAULT_SUBSCRIPTION_TOPICS;
      const names = new Set(topics.map((topic) => topic.name));
      for (const [kind, topic] of Object.entries(this.journeyTopics)) {
        if (!names.has(topic)) {
          throw new Error(
            `subscriptions.journeyTopics.${kind} is "${topic}", which is not a topic of the contact list (${[...names].join(', ')}); map every play kind to one of its topics`,
          );
        }
      }
      this.contactList = new CfnContactList(this, 'ContactList', {
        description: `churnguard subscriptions (${Stack.of(this).stackName})`,
        topics: topics.map((topic) => ({
          topicName: topic.name,
          displayName: topic.displayName,
          description: topic.description,
          defaultSubscriptionStatus: topic.defaultSubscriptionStatus,
        })),
      });
      this.contactList.applyRemovalPolicy(props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      this.contactListName = this.contactList.ref;
    } else if (props.contactListName) {
      this.contactListName = props.contactListName;
    }
  }

  /**
   * Delivers this configuration set's bounce and complaint events to `consumer` (functions/ses-events, which puts
   * the recipients on the suppression list): a rule on the default bus, matching SES's events for this
   * configuration set only (SES tags every event with `ses:configuration-set`). Events EventBridge cannot deliver
   * after its retries go to `deadLetters`.
   */
  deliverFeedbackTo(consumer: IFunction, deadLetters: IQueue): Rule {
    return new Rule(this, 'FeedbackRule', {
      description:
        'SES bounces, complaints and contact-list unsubscribes of the churnguard configuration set',
      eventPattern: {
        source: ['aws.ses'],
        detailType: [...FEEDBACK_DETAIL_TYPES],
        detail: {
          mail: { tags: { 'ses:configuration-set': [this.configurationSet.configurationSetName] } },
        },
      },
      targets: [
        new LambdaFunction(consumer, {
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
