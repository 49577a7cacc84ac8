import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import * as z from 'zod';
import { toJson } from './json.ts';
import type { ServiceIntegrationHandler } from './types.ts';

/** Blobs travel through Step Functions as base64 strings; the SDK takes bytes. */
const blob = z.string().transform((text) => new Uint8Array(Buffer.from(text, 'base64')));
const content = z.strictObject({ Data: z.string(), Charset: z.string().optional() });
const headers = z.array(z.strictObject({ Name: z.string(), Value: z.string() })).optional();
const attachments = z
  .array(
    z.strictObject({
      FileName: z.string(),
      RawContent: blob,
      ContentType: z.string().optional(),
      ContentDisposition: z.enum(['ATTACHMENT', 'INLINE']).optional(),
      ContentDescription: z.string().optional(),
      ContentId: z.string().optional(),
      ContentTransferEncoding: z.enum(['BASE64', 'QUOTED_PRINTABLE', 'SEVEN_BIT']).optional(),
    }),
  )
  .optional();

/** SendEmail's request as the `aws-sdk:sesv2:sendEmail` integration takes it (PascalCase, blobs as base64). */
const sendEmailRequest = z.strictObject({
  FromEmailAddress: z.string().optional(),
  FromEmailAddressIdentityArn: z.string().optional(),
  Destination: z
    .strictObject({
      ToAddresses: z.array(z.string()).optional(),
      CcAddresses: z.array(z.string()).optional(),
      BccAddresses: z.array(z.string()).optional(),
    })
    .optional(),
  ReplyToAddresses: z.array(z.string()).optional(),
  FeedbackForwardingEmailAddress: z.string().optional(),
  Content: z.strictObject({
    Simple: z
      .strictObject({
        Subject: content,
        Body: z.strictObject({ Text: content.optional(), Html: content.optional() }),
        Headers: headers,
        Attachments: attachments,
      })
      .optional(),
    Raw: z.strictObject({ Data: blob }).optional(),
    Template: z
      .strictObject({
        TemplateName: z.string().optional(),
        TemplateArn: z.string().optional(),
        TemplateData: z.string().optional(),
        TemplateContent: z
          .strictObject({
            Subject: z.string().optional(),
            Text: z.string().optional(),
            Html: z.string().optional(),
          })
          .optional(),
        Headers: headers,
        Attachments: attachments,
      })
      .optional(),
  }),
  EmailTags: z.array(z.strictObject({ Name: z.string(), Value: z.string() })).optional(),
  ConfigurationSetName: z.string().optional(),
  ListManagementOptions: z
    .strictObject({ ContactListName: z.string(), TopicName: z.string().optional() })
    .optional(),
});

/** Parameters SES would reject, named as SES names the error (so Catch sees `SesV2.BadRequestException`). */
class BadRequestException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequestException';
  }
}

/**
 * `aws-sdk:sesv2:sendEmail` through a real SESv2 client, e.g. one pointed at aws-ses-v2-local. The result is
 * SendEmail's response (`{ MessageId }`).
 */
export function sesv2Integrations(client: SESv2Client): Record<string, ServiceIntegrationHandler> {
  return {
    'aws-sdk:sesv2:sendEmail': async (parameters) => {
      const parsed = sendEmailRequest.safeParse(parameters);
      if (!parsed.success) throw new BadRequestException(`sesv2:sendEmail: ${z.prettifyError(parsed.error)}`);
      const { $metadata: _metadata, ...response } = await client.send(new SendEmailCommand(parsed.data));
      return toJson(response);
    },
  };
}
