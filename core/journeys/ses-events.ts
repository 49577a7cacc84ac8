import * as z from 'zod';

/**
 * SES event publishing (a configuration set's SNS destination) as far as suppression needs it: permanent bounces
 * and complaints put the recipients on the suppression list; transient bounces do not (the mailbox may recover).
 */
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
