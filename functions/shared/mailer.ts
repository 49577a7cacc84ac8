import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export interface OutgoingEmail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  headers?: { name: string; value: string }[];
}

/** Sends one email; returns the provider's message id. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<string>;
}

export interface SesMailerOptions {
  from: string;
  configurationSet?: string;
  /** SES local's URL when running on a laptop. */
  endpoint?: string;
}

/** SES v2 SendEmail with simple content: HTML and text parts, attachments (.ics) and custom headers. */
export function sesMailer(options: SesMailerOptions, client?: SESv2Client): Mailer {
  const ses =
    client ??
    new SESv2Client(
      options.endpoint
        ? {
            endpoint: options.endpoint,
            region: 'local',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {},
    );
  return {
    async send(email) {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: email.to, CcAddresses: email.cc },
          ConfigurationSetName: options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                Html: { Data: email.html, Charset: 'UTF-8' },
              },
              Headers: email.headers?.map((h) => ({ Name: h.name, Value: h.value })),
              Attachments: email.attachments?.map((a) => ({
                FileName: a.filename,
                ContentType: a.contentType,
                RawContent: new Uint8Array(a.content),
              })),
            },
          },
        }),
      );
      return out.MessageId ?? '';
    },
  };
}

/**
 * The mailer a Lambda gets: SES with the verified sender from SENDER_EMAIL, sending through the configuration set
 * SES_CONFIGURATION_SET (whose bounce and complaint events feed the suppression list), or none when no sender is
 * set (nothing is mailed). The ChurnGuard construct sets both from its email props. `client` lets the handler
 * pass a traced client.
 */
export function mailerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  client: SESv2Client = new SESv2Client({}),
): Mailer | undefined {
  return env.SENDER_EMAIL
    ? sesMailer({ from: env.SENDER_EMAIL, configurationSet: env.SES_CONFIGURATION_SET }, client)
    : undefined;
}
