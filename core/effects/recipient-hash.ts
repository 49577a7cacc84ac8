import { createHash } from 'node:crypto';

/** A stable, non-reversible name for a person's mail in keys: their address never appears in a key. */
export function recipientHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 24);
}
