import * as z from 'zod';
import type { SesLocal } from '#local/ses-local';

/** What SES local's `/store` holds for each email it accepted. */
export const storedEmails = z.object({
  emails: z.array(
    z.object({
      messageId: z.string(),
      from: z.string(),
      destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()).optional() }),
      subject: z.string(),
      body: z.object({ html: z.string().optional(), text: z.string().optional() }),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
      attachments: z.array(z.object({ filename: z.string().optional(), content: z.string() })).optional(),
    }),
  ),
});
export type StoredEmail = z.infer<typeof storedEmails>['emails'][number];

/** The mail SES local accepted, as a recipient's inbox would show it. */
export function inbox(ses: SesLocal) {
  const all = async () => storedEmails.parse(await (await fetch(`${ses.endpoint}/store`)).json()).emails;
  return {
    all,
    to: async (address: string) => (await all()).filter((m) => m.destination.to.includes(address)),
    clear: async () => {
      await fetch(`${ses.endpoint}/clear-store`, { method: 'POST' });
    },
  };
}
