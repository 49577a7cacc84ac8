import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { mapSurveyBody, verifySurveySignature } from '#core/connectors/survey';
import { mapTypeformEvent, verifyTypeformSignature } from '#core/connectors/typeform';
import { fixture, fixtureText } from './fixtures.ts';

describe('generic survey webhook signature', () => {
  const body = fixtureText('survey-response.json');
  const hex = createHmac('sha256', 'survey-secret').update(body).digest('hex');

  it('accepts the hex HMAC-SHA256 of the body, with or without the sha256= prefix', () => {
    expect(verifySurveySignature(body, `sha256=${hex}`, 'survey-secret')).toEqual({ ok: true });
    expect(verifySurveySignature(body, hex.toUpperCase(), 'survey-secret')).toEqual({ ok: true });
  });

  it('refuses a wrong signature and a missing header', () => {
    expect(verifySurveySignature(body, `sha256=${hex.replace(/^./, '0')}`, 'other').ok).toBe(false);
    expect(verifySurveySignature(body, undefined, 'survey-secret').ok).toBe(false);
  });
});

describe('generic survey response', () => {
  it('maps an NPS response without account id to nps, held for a contact lookup by email', () => {
    expect(mapSurveyBody(fixture('survey-response.json')).needsAccount).toEqual([
      {
        kind: 'signal',
        needsAccountFor: { kind: 'contact_email', key: 'bill.lumbergh@example.com' },
        signal: {
          id: 'survey:q1-2026-nps:r-000123',
          type: 'nps',
          value: 6,
          occurredAt: '2026-03-04T11:30:00.000Z',
          attributes: { surveyId: 'q1-2026-nps', comment: 'Reporting is slow for large cohorts.' },
        },
      },
    ]);
  });

  it('attributes a response to the account it names', () => {
    const body = {
      surveyId: 's',
      responseId: 'r1',
      kind: 'csat',
      score: 4,
      accountId: 'acme',
      submittedAt: '2026-03-04T12:00:00Z',
    };
    expect(mapSurveyBody(body).signals).toEqual([
      {
        id: 'survey:s:r1',
        accountId: 'acme',
        type: 'csat',
        value: 4,
        occurredAt: '2026-03-04T12:00:00.000Z',
        attributes: { surveyId: 's' },
      },
    ]);
  });

  it('ignores scores outside the scale, saying which', () => {
    const body = {
      responses: [
        {
          surveyId: 's',
          responseId: 'r2',
          kind: 'nps',
          score: 11,
          accountId: 'acme',
          submittedAt: '2026-03-04T12:00:00Z',
        },
        {
          surveyId: 's',
          responseId: 'r3',
          kind: 'csat',
          score: 0,
          accountId: 'acme',
          submittedAt: '2026-03-04T12:00:00Z',
        },
      ],
    };
    const result = mapSurveyBody(body);
    expect(result.signals).toEqual([]);
    expect(result.ignored.map((i) => i.ref)).toEqual(['survey:s:r2', 'survey:s:r3']);
    expect(result.ignored[0]?.reason).toContain('NPS score');
    expect(result.ignored[1]?.reason).toContain('CSAT score');
  });

  it('ignores a response missing its ids, with the field', () => {
    const result = mapSurveyBody({ kind: 'nps', score: 9, submittedAt: '2026-03-04T12:00:00Z' });
    expect(result.ignored[0]?.reason).toMatch(/^not a survey response: surveyId/);
  });
});

describe('Typeform', () => {
  const body = fixtureText('typeform-form-response.json');
  const mapping = connectorMappingSchema.parse({
    survey: { typeform: { forms: { lT4Z3j: { kind: 'nps', commentField: 'nps_reason' } } } },
  });

  it('verifies Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>', () => {
    const signature = `sha256=${createHmac('sha256', 'tf-secret').update(body).digest('base64')}`;
    expect(verifyTypeformSignature(body, signature, 'tf-secret')).toEqual({ ok: true });
    expect(verifyTypeformSignature(body, signature, 'other').ok).toBe(false);
  });

  it('maps the NPS answer of a listed form to nps for the account in the hidden field', () => {
    expect(mapTypeformEvent(fixture('typeform-form-response.json'), mapping).signals).toEqual([
      {
        id: 'typeform:lT4Z3j:a3a12ec67a1365927098a606107fac15',
        accountId: 'initech',
        type: 'nps',
        value: 9,
        occurredAt: '2026-03-05T18:17:02.000Z',
        attributes: { surveyId: 'typeform:lT4Z3j', comment: 'Saves us a day every week.' },
      },
    ]);
  });

  it('ignores responses to forms that are not configured', () => {
    expect(mapTypeformEvent(fixture('typeform-form-response.json'), defaultConnectorMapping).ignored).toEqual(
      [
        {
          ref: 'typeform:lT4Z3j:a3a12ec67a1365927098a606107fac15',
          reason: 'form lT4Z3j is not listed in survey.typeform.forms',
        },
      ],
    );
  });

  it('ignores a response whose configured score field was skipped', () => {
    const other = connectorMappingSchema.parse({
      survey: { typeform: { forms: { lT4Z3j: { kind: 'csat', scoreField: 'csat' } } } },
    });
    expect(mapTypeformEvent(fixture('typeform-form-response.json'), other).ignored[0]?.reason).toBe(
      'the score question was not answered',
    );
  });

  it('rejects, naming the field, a body that is not a Typeform webhook event', () => {
    const result = mapTypeformEvent({ event_type: 'form_response' }, mapping);
    expect(result.signals).toEqual([]);
    expect(result.rejected?.reason).toBe('not a Typeform webhook event');
    expect(result.rejected?.errors.map((e) => e.path)).toContain('form_response');
  });
});
