import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-click unsubscribe tokens: `<accountId>.<contactId>.<hmac>`, base64url parts. The HMAC (SHA-256, keyed by
 * the unsubscribe secret) over account and contact id proves the link came from us, so the endpoint needs no API
 * key and a guessed id unsubscribes nobody.
 */
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function mac(secret: string, accountId: string, contactId: string): string {
  return createHmac('sha256', secret).update(`unsubscribe\n${accountId}\n${contactId}`).digest('base64url');
}

export function unsubscribeToken(secret: string, accountId: string, contactId: string): string {
  return `${b64(accountId)}.${b64(contactId)}.${mac(secret, accountId, contactId)}`;
}

/** The account and contact a token names, or undefined when it is malformed or its HMAC does not match. */
export function readUnsubscribeToken(
  secret: string,
  token: string,
): { accountId: string; contactId: string } | undefined {
  const [a, c, given, extra] = token.split('.');
  if (!a || !c || !given || extra !== undefined) return undefined;
  const accountId = Buffer.from(a, 'base64url').toString('utf8');
  const contactId = Buffer.from(c, 'base64url').toString('utf8');
  const expected = Buffer.from(mac(secret, accountId, contactId));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { accountId, contactId };
}
