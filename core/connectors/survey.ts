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
import {
  type AccountResolution,
  accountRef,
  attributes,
  type ConnectorResult,
  describeError,
  emitSignal,
  emptyResult,
  isoInstant,
  rejectedResult,
  scalarText,
  signalId,
} from './shared.ts';

/**
 * The generic NPS/CSAT webhook: for survey tools without a dedicated connector, glue code (a Zap, a script, a
 * tool's custom webhook) posts one response, or `{ responses: [...] }`, signed with the shared secret.
 */

export const SURVEY_SIGNATURE_HEADER = 'X-Churnguard-Signature';

/** Verifies `X-Churnguard-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (the `sha256=` prefix is optional). */
export function verifySurveySignature(
  rawBody: RawBody,
  signatureHeader: string | undefined,
  secrets: Secrets,
): Verification {
  const keys = secretList(secrets);
  if (keys.length === 0) return refused('no survey webhook secret is configured');
  const given = signatureHeader
    ?.trim()
    .replace(/^sha256=/i, '')
    .toLowerCase();
  if (!given) return refused(`missing ${SURVEY_SIGNATURE_HEADER} header`);
  const expected = keys.map((key) => hmac('sha256', key, rawBody).toString('hex'));
  return anyEqual([given], expected) ? verified : refused('signature does not match');
}

const idPart = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^:\s]+$/, 'must not contain ":" or whitespace');

export const surveyResponseSchema = z.looseObject({
  surveyId: idPart,
  responseId: idPart,
  kind: z.enum(['nps', 'csat']),
  /** NPS 0-10, CSAT 1-5, whole numbers. */
  score: z.number(),
  comment: z.string().nullish(),
  respondent: z.looseObject({ email: z.string().nullish(), userId: z.string().nullish() }).nullish(),
  /** The churnguard account id; when absent the respondent's email is looked up among account contacts. */
  accountId: z.string().nullish(),
  submittedAt: z.string(),
});
type SurveyResponse = z.infer<typeof surveyResponseSchema>;

const surveyBody = z.union([z.looseObject({ responses: z.array(z.unknown()) }), z.looseObject({})]);

function accountFor(response: SurveyResponse): AccountResolution {
  const ref = accountRef(response.accountId);
  if (ref) return 'accountId' in ref ? ref : { missing: ref.invalid };
  const email = scalarText(response.respondent?.email)?.toLowerCase();
  if (email) return { lookup: { kind: 'contact_email', key: email } };
  return { missing: 'response names neither an account nor a respondent email' };
}

function mapResponse(result: ConnectorResult, raw: unknown, ref: string): void {
  const parsed = surveyResponseSchema.safeParse(raw);
  if (!parsed.success) {
    result.ignored.push({ ref, reason: `not a survey response: ${describeError(parsed.error)}` });
    return;
  }
  const response = parsed.data;
  const id = signalId('survey', response.surveyId, response.responseId);
  const occurredAt = isoInstant(response.submittedAt);
  if (!occurredAt) {
    result.ignored.push({ ref: id, reason: 'submittedAt is not a date' });
    return;
  }
  const userId = scalarText(response.respondent?.userId);
  emitSignal(
    result,
    {
      id,
      type: response.kind,
      value: response.score,
      occurredAt,
      ...(userId ? { userId } : {}),
      attributes: attributes({ surveyId: response.surveyId, comment: scalarText(response.comment) }),
    },
    accountFor(response),
  );
}

/** Maps a generic survey body. Ids are `survey:<surveyId>:<responseId>`. */
export function mapSurveyBody(body: unknown): ConnectorResult {
  const parsed = surveyBody.safeParse(body);
  if (!parsed.success) return rejectedResult('not a survey response or { responses: [...] }', parsed.error);
  const result = emptyResult();
  const { data } = parsed;
  if ('responses' in data && Array.isArray(data.responses)) {
    data.responses.forEach((item, index) => {
      mapResponse(result, item, `responses[${index}]`);
    });
  } else {
    mapResponse(result, data, 'response');
  }
  return result;
}
