import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';

/** The `channels` section is validated with the rest of the config, every problem named by its path. */
const withChannels = (channels: unknown) => parseConfig({ ...defaultConfig, channels });
const problems = (channels: unknown) => {
  const result = withChannels(channels);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('config: channels', () => {
  it('posts nowhere by default', () => {
    const result = parseConfig(defaultConfig);
    expect(result.ok && result.config.channels).toEqual({ destinations: {}, teams: {}, routes: [] });
  });

  it('accepts routes by region, team and CSM, each carrying every topic unless told', () => {
    const result = withChannels({
      destinations: { 'cs-emea': { kind: 'slack' }, leads: { kind: 'teams' } },
      teams: { strategic: ['cara@vendor.example'] },
      routes: [
        { to: 'cs-emea', region: 'EMEA' },
        { to: 'leads', team: 'strategic', carries: ['digest'] },
        { to: 'leads', csm: 'dan@vendor.example' },
      ],
    });
    expect(result.ok && result.config.channels.routes.map((r) => r.carries)).toEqual([
      ['escalations', 'reviews', 'notices', 'daily', 'digest'],
      ['digest'],
      ['escalations', 'reviews', 'notices', 'daily', 'digest'],
    ]);
  });

  it('names a route to no destination, an unknown team and a route naming two selectors, by path', () => {
    expect(
      problems({
        destinations: { 'cs-emea': { kind: 'slack' } },
        routes: [
          { to: 'cs-apac', region: 'APAC' },
          { to: 'cs-emea', team: 'nobody' },
          { to: 'cs-emea', region: 'EMEA', csm: 'cara@vendor.example' },
          { to: 'cs-emea' },
        ],
      }),
    ).toEqual([
      'channels.routes[2].csm: must name exactly one of region, team or csm (it names region and csm)',
      'channels.routes[3]: must name exactly one of region, team or csm',
      'channels.routes[0].to: names no destination; known: cs-emea',
      'channels.routes[1].team: names no team of channels.teams',
    ]);
  });

  it('refuses an unknown kind, a destination name that is not a plain word, a webhook URL in the config and a bad topic', () => {
    const found = problems({
      destinations: {
        'Bad Name': { kind: 'slack' },
        'cs-emea': { kind: 'discord' },
        'cs-apac': { kind: 'slack', url: 'https://hooks.slack.com/services/x' },
      },
      routes: [{ to: 'cs-apac', region: 'APAC', carries: ['everything'] }],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channels\.destinations.*Bad Name/),
        'channels.destinations.cs-emea.kind: must be one of: slack, teams',
        expect.stringMatching(/^channels\.destinations\.cs-apac: .*url/),
        'channels.routes[0].carries[0]: must be one of: escalations, reviews, notices, daily, digest',
      ]),
    );
  });

  it("reads a destination's quiet days in its time zone (UTC unless told) and refuses one that is not a zone", () => {
    const result = withChannels({
      destinations: { 'cs-apac': { kind: 'slack', timezone: 'Asia/Tokyo' }, leads: { kind: 'teams' } },
    });
    expect(result.ok && result.config.channels.destinations).toEqual({
      'cs-apac': { kind: 'slack', timezone: 'Asia/Tokyo' },
      leads: { kind: 'teams', timezone: 'UTC' },
    });
    expect(problems({ destinations: { 'cs-apac': { kind: 'slack', timezone: 'Mars/Olympus' } } })).toEqual([
      'channels.destinations.cs-apac.timezone: must be an IANA time zone such as Europe/Berlin',
    ]);
  });
});
