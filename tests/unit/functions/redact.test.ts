import { afterEach, describe, expect, it, vi } from 'vitest';
import { redactEmails } from '#functions/shared/redact';
import { createLogger } from '#functions/shared/runtime';

describe('email redaction in logs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('replaces every email address in a string and keeps the rest', () => {
    expect(redactEmails('sent to ann@acme.example and Bob.O+nps@mail.acme.co.uk, account acme')).toBe(
      'sent to <email> and <email>, account acme',
    );
    expect(redactEmails('no address @ here, user@localhost, acme.example')).toBe(
      'no address @ here, user@localhost, acme.example',
    );
  });

  it('leaves no email address in what the functions logger writes: message, attributes or errors', () => {
    // Prepare
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const logger = createLogger('redaction-test');

    // Act
    logger.info('nudge sent to ann@acme.example', {
      contact: { email: 'ann@acme.example', names: ['cara@vendor.example'] },
      accountId: 'acme',
      count: 3,
    });
    logger.error('send failed', new Error('SES refused bounce@acme.example'));

    // Assess
    const output = lines.join('');
    expect(output).not.toMatch(/@acme\.example|@vendor\.example/);
    const [info, error] = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(info).toMatchObject({
      message: 'nudge sent to <email>',
      contact: { email: '<email>', names: ['<email>'] },
      accountId: 'acme',
      count: 3,
    });
    expect(error).toMatchObject({ error: { message: 'SES refused <email>' } });
  });
});
