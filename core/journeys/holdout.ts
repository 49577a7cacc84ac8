/** FNV-1a to [0, 1): the same account and play always land at the same point, in any process. */
export function holdoutPoint(accountId: string, playId: string): number {
  const text = `${playId}:${accountId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche so that ids differing in their last character spread evenly.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) / 2 ** 32;
}

/** Whether an account is in a play's holdout group: deterministic by account id, about `share` of accounts. */
export function isHeldOut(accountId: string, playId: string, share: number): boolean {
  return share > 0 && holdoutPoint(accountId, playId) < share;
}
