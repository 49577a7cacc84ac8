import * as z from 'zod';
import { isTimeZone } from '#core/accounts';

/**
 * Slack and Microsoft Teams as channels (issue 17): where notices to people at the vendor, escalations, review
 * reminders and the weekly regional digest are posted, besides the mail. A destination is one incoming webhook
 * (its URL is a secret: Secrets Manager in AWS, the local secrets file locally; never in this config). A route
 * sends what it carries to a destination, for one region, one team or one CSM. Nothing is posted by default.
 */

export const CHAT_KINDS = ['slack', 'teams'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

/**
 * What a route carries: `escalations` (a risk opened or raised a tier, and other immediate risk notices),
 * `reviews` (a business review proposed: the CSM's reminder), `notices` (any other immediate notice to a CSM or
 * manager), `daily` (a person's routine notices of the day, gathered as in their daily notice mail) and `digest`
 * (the weekly regional risk review).
 */
export const CHAT_TOPICS = ['escalations', 'reviews', 'notices', 'daily', 'digest'] as const;
export type ChatTopic = (typeof CHAT_TOPICS)[number];

const oneOf = (values: readonly string[]) => `must be one of: ${values.join(', ')}`;

/** A destination's name: the key of its webhook URL in the secret, so a plain, short word. */
export const destinationName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,63}$/,
    'must be lower case letters, digits and dashes, starting with a letter (at most 64)',
  );

const teamName = destinationName;

export const chatDestinationSchema = z.strictObject({
  kind: z.enum(CHAT_KINDS, { error: oneOf(CHAT_KINDS) }),
  /** What the channel is, for people reading the config (e.g. "#cs-emea"). */
  description: z.string().max(200).optional(),
  /** Where the channel's readers are: the restraint's quiet days are days in this time zone. */
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
});

export const chatRouteSchema = z
  .strictObject({
    /** The destination's name (a key of `destinations`). */
    to: destinationName,
    /** Posts about accounts of this region (the digest of this region). */
    region: z.string().min(1, 'must not be empty').max(64).optional(),
    /** Posts to any member of this team (a key of `teams`). */
    team: teamName.optional(),
    /** Posts to this CSM or manager, by their email address. */
    csm: z.email({ error: 'must be an email address' }).optional(),
    carries: z
      .array(z.enum(CHAT_TOPICS, { error: oneOf(CHAT_TOPICS) }))
      .min(1, 'must name at least one topic')
      .default([...CHAT_TOPICS]),
  })
  .superRefine((route, ctx) => {
    const set = (['region', 'team', 'csm'] as const).filter((k) => route[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: set.length === 0 ? [] : [set[1] ?? set[0] ?? 'region'],
        message: `must name exactly one of region, team or csm${set.length ? ` (it names ${set.join(' and ')})` : ''}`,
      });
    }
  });

export const channelsSchema = z
  .strictObject({
    destinations: z
      .record(destinationName, chatDestinationSchema, {
        error: 'is not a valid destination name: lower case letters, digits and dashes',
      })
      .default({}),
    /** Named groups of CSMs and managers (their email addresses), for routes by team. */
    teams: z
      .record(
        teamName,
        z.array(z.email({ error: 'must be an email address' })).min(1, 'must list at least one person'),
      )
      .default({}),
    routes: z.array(chatRouteSchema).default([]),
  })
  .superRefine((channels, ctx) => {
    channels.routes.forEach((route, index) => {
      if (!(route.to in channels.destinations)) {
        const known = Object.keys(channels.destinations);
        ctx.addIssue({
          code: 'custom',
          path: ['routes', index, 'to'],
          message: `names no destination${known.length ? `; known: ${known.join(', ')}` : ' (channels.destinations is empty)'}`,
        });
      }
      if (route.team !== undefined && !(route.team in channels.teams)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', index, 'team'],
          message: 'names no team of channels.teams',
        });
      }
    });
  });

export type ChannelsConfig = z.infer<typeof channelsSchema>;
export type ChatRoute = z.infer<typeof chatRouteSchema>;

export const NO_CHANNELS: ChannelsConfig = { destinations: {}, teams: {}, routes: [] };
