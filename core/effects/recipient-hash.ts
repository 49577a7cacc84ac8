import { createHash } from 'node:crypto';

/**
 * A stable, non-reversible name for one person's daily notice mail about one region, for keys: their address never
 * appears in a key. Per region, because regions are where notices meet (the pooled CS queue covers every region)
 * and a simulation shards by region: each region's notices make their own mail.
 */
export function noticeMailbox(email: string, region: string): string {
  return createHash('sha256')
    .update(`${email.trim().toLowerCase()}\n${region}`, 'utf8')
    .digest('hex')
    .slice(0, 24);
}
