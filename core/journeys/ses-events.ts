import * as z from 'zod';

/**
 * SES event publishing (a configuration set's event destination) as far as restraint needs it: permanent bounces
 * and complaints put the recipients on the suppression list; transient bounces do not (the mailbox may recover).
 * Subscription events say which topics of the SES contact list an address now refuses.
 */
const topicPreferences = z.object({
  unsubscribeAll: z.boolean(),
  topicSubscriptionStatus: z.array(
    z.object({ topicName: z.string(), subscriptionStatus: z.enum(['OptIn', 'OptOut']) }),
  ),
});

const sesEvent = z.object({
  eventType: z.string(),
  bounce: z
    .object({
      bounceType: z.string(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string() })),
      timestamp: z.string().optional(),
    })
    .optional(),
  complaint: z
    .object({
      complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
      timestamp: z.string().optional(),
    })
    .optional(),
});

const subscriptionEvent = z.object({
  eventType: z.literal('Subscription'),
  mail: z.object({ destination: z.array(z.string()).min(1) }),
  subscription: z.object({
    // SES writes nanoseconds; kept to the millisecond, so that times compare as text.
    timestamp: z
      .string()
      .refine((text) => !Number.isNaN(Date.parse(text)), 'not a date')
      .transform((text) => new Date(Date.parse(text)).toISOString()),
    newTopicPreferences: topicPreferences,
  }),
});

export interface Suppression {
  email: string;
  reason: 'bounce' | 'complaint';
}

/** The addresses an SES event says to suppress; none for deliveries, transient bounces or unknown events. */
export function suppressionsFrom(message: unknown): Suppression[] {
  const parsed = sesEvent.safeParse(message);
  if (!parsed.success) return [];
  const { eventType, bounce, complaint } = parsed.data;
  if (eventType === 'Bounce' && bounce?.bounceType === 'Permanent') {
    return bounce.bouncedRecipients.map((r) => ({ email: r.emailAddress.toLowerCase(), reason: 'bounce' }));
  }
  if (eventType === 'Complaint' && complaint) {
    return complaint.complainedRecipients.map((r) => ({
      email: r.emailAddress.toLowerCase(),
      reason: 'complaint',
    }));
  }
  return [];
}

/** What an address chose in the SES contact list (SES's own unsubscribe header or preference page), as of `at`. */
export interface ListPreference {
  email: string;
  /** Every topic refused. */
  unsubscribeAll: boolean;
  /** The topics refused one by one. */
  optedOut: string[];
  at: string;
}

/**
 * The contact-list choices an SES subscription event reports, one per recipient of the mail it concerns (a contact
 * mail goes to its contact; anyone copied is a person inside the vendor, whom no topic concerns); none for any
 * other event. A subscription event that does not read as one throws, naming the field: an unsubscribe is never
 * dropped on a guess, the event is retried and then dead-lettered.
 */
export function listPreferencesFrom(message: unknown): ListPreference[] {
  if ((message as { eventType?: unknown } | null)?.eventType !== 'Subscription') return [];
  const parsed = subscriptionEvent.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`SES subscription event: ${issue?.path.join('.') || 'event'}: ${issue?.message}`);
  }
  const { mail, subscription } = parsed.data;
  const { unsubscribeAll, topicSubscriptionStatus } = subscription.newTopicPreferences;
  const optedOut = topicSubscriptionStatus
    .filter((topic) => topic.subscriptionStatus === 'OptOut')
    .map((topic) => topic.topicName)
    .sort();
  return [...new Set(mail.destination.map((email) => email.toLowerCase()))].map((email) => ({
    email,
    unsubscribeAll,
    optedOut,
    at: subscription.timestamp,
  }));
}
