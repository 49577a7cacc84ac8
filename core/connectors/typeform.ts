import * as z from 'zod';
import {
  anyEqual,
  hmac,
  type RawBody,
  refused,
  type Secrets,
  secretList,
  type Verification,
  verified,
} from './crypto.ts';
import type { ConnectorMapping, SurveyMapping } from './mapping.ts';
import {
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  emitSignal,
  emptyResult,
  isoInstant,
  rejectedResult,
  scalarText,
  signalId,
} from './shared.ts';

/**
 * Typeform -> nps / csat signals (https://www.typeform.com/developers/webhooks/). A form is read only when it is
 * listed in `survey.typeform.forms`; the account comes from a hidden field set in the survey link.
 */

/** Verifies `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>`. */
export function verifyTypeformSignature(
  rawBody: RawBody,
  signatureHeader: string | undefined,
  secrets: Secrets,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no Typeform webhook secret is configured');
  const given = signatureHeader?.trim();
  if (!given) return refused('missing Typeform-Signature header');
  const expected = keys.map((key) => `sha256=${hmac('sha256', key, rawBody).toString('base64')}`);
  return anyEqual([given], expected) ? verified : refused('signature does not match');
}

const answer = z.looseObject({
  type: z.string(),
  field: z.looseObject({ id: z.string().nullish(), ref: z.string().nullish(), type: z.string().nullish() }),
  number: z.number().nullish(),
  text: z.string().nullish(),
  email: z.string().nullish(),
});
type Answer = z.infer<typeof answer>;

export const typeformEventSchema = z.looseObject({
  event_id: z.string().min(1),
  event_type: z.string(),
  form_response: z.looseObject({
    form_id: z.string().min(1),
    token: z.string().min(1),
    submitted_at: z.string(),
    hidden: z.record(z.string(), z.unknown()).nullish(),
    answers: z.array(answer).nullish(),
  }),
});

const SCORE_FIELD_TYPES = { nps: ['nps'], csat: ['rating', 'opinion_scale'] } as const;

function answerFor(answers: readonly Answer[], ref: string | undefined): Answer | undefined {
  return ref === undefined ? undefined : answers.find((a) => a.field.ref === ref || a.field.id === ref);
}

/** Account from the hidden account field, else a contact lookup by the respondent's email. */
function accountFor(
  hidden: Record<string, unknown>,
  answers: readonly Answer[],
  settings: SurveyMapping['typeform'],
): AccountResolution {
  const ref = accountRef(hidden[settings.accountHiddenField]);
  if (ref) return 'accountId' in ref ? ref : { missing: ref.invalid };
  const email = scalarText(
    answers.find((a) => a.type === 'email')?.email ?? hidden[settings.emailHiddenField],
  );
  if (email) return { lookup: { kind: 'contact_email', key: email.toLowerCase() } };
  return { missing: `no hidden field ${settings.accountHiddenField} and no respondent email` };
}

/** Maps one Typeform webhook delivery. The id is `typeform:<form id>:<response token>`. */
export function mapTypeformEvent(body: unknown, mapping: ConnectorMapping): ConnectorResult {
  const parsed = typeformEventSchema.safeParse(body);
  if (!parsed.success) return rejectedResult('not a Typeform webhook event', parsed.error);
  const { event_type: eventType, form_response: response } = parsed.data;
  const settings: SurveyMapping['typeform'] = mapping.survey.typeform;
  const id = signalId('typeform', response.form_id, response.token);
  const result = emptyResult();
  const form = Object.hasOwn(settings.forms, response.form_id) ? settings.forms[response.form_id] : undefined;
  const ignore = (reason: string) => {
    result.ignored.push({ ref: id, reason });
    return result;
  };
  if (eventType !== 'form_response') return ignore(`event type ${eventType} is not mapped`);
  if (!form) return ignore(`form ${response.form_id} is not listed in survey.typeform.forms`);

  const answers = response.answers ?? [];
  const kinds: readonly string[] = SCORE_FIELD_TYPES[form.kind];
  const score =
    answerFor(answers, form.scoreField) ??
    (form.scoreField ? undefined : answers.find((a) => kinds.includes(a.field.type ?? '')));
  if (typeof score?.number !== 'number') return ignore('the score question was not answered');
  const occurredAt = isoInstant(response.submitted_at);
  if (!occurredAt) return ignore('submitted_at is not a date');

  const account = accountFor(response.hidden ?? {}, answers, settings);
  emitSignal(
    result,
    {
      id,
      type: form.kind,
      value: score.number,
      occurredAt,
      attributes: attributes({
        surveyId: `typeform:${response.form_id}`,
        comment: scalarText(answerFor(answers, form.commentField)?.text),
      }),
    },
    account,
  );
  return result;
}
