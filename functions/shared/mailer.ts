import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

export interface OutgoingEmail {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: string }[];
  headers?: { name: string; value: string }[];
  /** The contact-list topic a contact email goes under (SES subscription management), when a list is set. */
  topic?: string;
}

/** Sends one email; returns the provider's message id. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<string>;
}

export interface SesMailerOptions {
  from: string;
  configurationSet?: string;
  /** SES contact list whose topics contact emails go under (their unsubscribes are SES's too). */
  contactListName?: string;
  /** SES local's URL when running on a laptop. */
  endpoint?: string;
}

/**
 * SES v2 SendEmail with simple content: HTML and text parts, attachments (.ics) and custom headers (one-click
 * unsubscribe), through the configuration set (bounces and complaints) and, for contact mail, the contact list's
 * topic.
 */
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
          Destination: { ToAddresses: email.to, ...(email.cc?.length ? { CcAddresses: email.cc } : {}) },
          ConfigurationSetName: options.configurationSet,
          ...(options.contactListName && email.topic
            ? { ListManagementOptions: { ContactListName: options.contactListName, TopicName: email.topic } }
            : {}),
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
              },
              Headers: email.headers?.length
                ? email.headers.map((h) => ({ Name: h.name, Value: h.value }))
                : undefined,
              Attachments: email.attachments?.length
                ? email.attachments.map((a) => ({
                    FileName: a.filename,
                    ContentType: a.contentType,
                    RawContent: new TextEncoder().encode(a.content),
                  }))
                : undefined,
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
 * SES_CONFIGURATION_SET (whose bounce and complaint events feed the suppression list) and the contact list
 * SES_CONTACT_LIST, or none when no sender is set (nothing can be mailed, and each message is settled as failed
 * with that reason). The ChurnGuard construct sets them from its email props. `client` lets the handler pass a
 * traced client.
 */
export function mailerFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  client: SESv2Client = new SESv2Client({}),
): Mailer | undefined {
  return env.SENDER_EMAIL
    ? sesMailer(
        {
          from: env.SENDER_EMAIL,
          configurationSet: env.SES_CONFIGURATION_SET,
          contactListName: env.SES_CONTACT_LIST,
        },
        client,
      )
    : undefined;
}
