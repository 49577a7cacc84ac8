import * as z from 'zod';
import { type ApiTarget, getJson } from '../api-client.ts';

const stackRankSchema = z.object({
  asOf: z.string(),
  definitions: z.record(z.string(), z.string()),
  segments: z.array(
    z.object({
      segment: z.string(),
      label: z.string(),
      accounts: z.array(
        z.object({
          rank: z.number(),
          of: z.number(),
          accountId: z.string(),
          name: z.string(),
          journeyClass: z.string(),
          judgedBy: z.string(),
          pace: z.number(),
          score: z.number().nullable(),
          band: z.string(),
        }),
      ),
    }),
  ),
});
export type StackRankAnswer = z.infer<typeof stackRankSchema>;

export function fetchStackRank(target: ApiTarget, segment?: string): Promise<StackRankAnswer> {
  const query = segment === undefined ? '' : `?segment=${encodeURIComponent(segment)}`;
  return getJson(target, `/v1/stack-rank${query}`, stackRankSchema);
}

const CLASS = { champion: 'Champion', cruiser: 'Cruiser', laggard: 'Laggard' } as Record<string, string>;

/** The stack-rank as text: per segment, each account's rank, class, what it was judged by, pace and health. */
export function renderStackRank(answer: StackRankAnswer): string {
  const lines: string[] = [`Stack-rank along the journey baseline, as of ${answer.asOf.slice(0, 16)}Z`];
  for (const { label, segment, accounts } of answer.segments) {
    lines.push('', `${label} (${segment}): ${accounts.length} account${accounts.length === 1 ? '' : 's'}`);
    for (const a of accounts) {
      const health = a.score === null ? 'not scored' : `${a.score} ${a.band}`;
      const pace = `${a.pace >= 0 ? '+' : ''}${a.pace.toFixed(2)}`;
      lines.push(
        `  ${String(a.rank).padStart(3)}. ${(CLASS[a.journeyClass] ?? a.journeyClass).padEnd(8)} ${a.accountId} (${a.name})  by ${a.judgedBy}, pace ${pace}, health ${health}`,
      );
    }
  }
  lines.push('', ...Object.values(answer.definitions));
  return `${lines.join('\n')}\n`;
}
