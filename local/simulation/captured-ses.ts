import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Clock } from '#core/clock';
import type { SimEmail } from '#core/simulation/summary';

/**
 * An SESv2 client for simulation: the MilestoneJourney state machine's `aws-sdk:sesv2:sendEmail` step lands here
 * instead of SES, and each message is captured, at the virtual time, in the run's outbox (result.json `emails`).
 * Only SendEmail is ever called through it.
 */
export function capturedSes(clock: Clock, outbox: SimEmail[]): SESv2Client {
  let sent = 0;
  const client = {
    async send(command: SendEmailCommand) {
      const { Destination, Content } = command.input;
      outbox.push({
        at: clock.now().toISOString(),
        to: [...(Destination?.ToAddresses ?? [])].sort(),
        subject: Content?.Simple?.Subject?.Data ?? Content?.Template?.TemplateContent?.Subject ?? '',
      });
      sent++;
      return { MessageId: `sim-ses-${sent}`, $metadata: {} };
    },
  };
  // The workflow engine takes an SESv2Client; this stand-in implements the one method the SES step calls.
  return client as unknown as SESv2Client;
}
