/**
 * Keeps personal data out of logs: every email address in a logged string becomes `<email>`. Applied to each
 * value the Powertools logger serialises (messages, attributes, error messages and stacks), so no call site has
 * to remember it.
 */
const EMAIL =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+/g;

export const EMAIL_REDACTED = '<email>';

export function redactEmails(text: string): string {
  return text.replace(EMAIL, EMAIL_REDACTED);
}

/** A `JSON.stringify` replacer (the Logger's `jsonReplacerFn`) that redacts email addresses in keys' string values. */
export function redactingReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? redactEmails(value) : value;
}
