import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { loadConfigFile, parseConfigOverrides } from '#config/file';
import { configChanges } from '#config/overrides';

const THREE_LINES = `{
  "restraint": { "weeklyPerContact": 3 },
  "segments": { "core": { "health": { "bands": { "green": 75 } } } },
  "brand": { "productName": "Acme Analytics", "appUrl": "https://app.acme.example" }
}`;

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'churnguard-overrides-')), name);
  writeFileSync(path, content);
  return path;
}

const errorsOf = (result: ReturnType<typeof parseConfigOverrides>) => (result.ok ? [] : result.errors);

describe('a config file holds only what differs from the default', () => {
  it('changes one cap, one band and the brand in three lines, keeping everything else', async () => {
    const result = await loadConfigFile(file('churnguard.json', THREE_LINES));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.restraint).toEqual({ ...defaultConfig.restraint, weeklyPerContact: 3 });
    expect(result.config.segments.core?.health.bands).toEqual({ green: 75, yellow: 50 });
    expect(result.config.brand).toEqual({
      productName: 'Acme Analytics',
      appUrl: 'https://app.acme.example',
    });
    expect(result.config.segments.strategic).toEqual(defaultConfig.segments.strategic);
    expect(result.config.plays).toEqual(defaultConfig.plays);
  });

  it('adds entries to records and replaces arrays whole', () => {
    const result = parseConfigOverrides({
      restraint: { quietDays: ['sun'] },
      journeyBaseline: {
        milestones: defaultConfig.journeyBaseline.milestones.map((m) =>
          m.id === 'first_login' ? { ...m, dueDay: 3 } : m,
        ),
      },
      plays: { weekly_tip_core: { ...defaultConfig.plays.weekly_tip, priority: 12 } },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.restraint.quietDays).toEqual(['sun']);
    expect(result.config.journeyBaseline.milestones[0]?.dueDay).toBe(3);
    expect(result.config.plays.weekly_tip_core?.priority).toBe(12);
    expect(result.config.plays.weekly_tip).toEqual(defaultConfig.plays.weekly_tip);
  });

  it('replaces an object with "$patch": "replace" and removes an entry with "$patch": "delete"', () => {
    const result = parseConfigOverrides({
      segments: { core: { health: { weights: { $patch: 'replace', engagement: 60, adoption: 40 } } } },
      // The tip play goes with the cadence that names it (journeys.transactional.tips): null turns it off.
      plays: { weekly_tip: { $patch: 'delete' } },
      journeys: { transactional: { tips: null } },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.segments.core?.health.weights).toEqual({ engagement: 60, adoption: 40 });
    expect(result.config.plays.weekly_tip).toBeUndefined();
  });

  it('keeps null as a value: a baseline measure set to null has no default', () => {
    const result = parseConfigOverrides({
      segments: { core: { health: { baselineDefaults: { meetingsHeld: null } } } },
    });
    expect(result.ok && result.config.segments.core?.health.baselineDefaults?.meetingsHeld).toBeNull();
  });

  it('names each problem by its path in the file, and says when a default value no longer fits', () => {
    const result = parseConfigOverrides({
      restraint: { weeklyPerContact: 0 },
      segments: { core: { health: { bands: { green: 40 } } } },
      plays: { nothing_here: { $patch: 'delete' }, weekly_tip: { $patch: 'merge' } },
    });
    expect(errorsOf(result)).toEqual(
      expect.arrayContaining([
        { path: 'restraint.weeklyPerContact', message: 'must be a whole number from 1 to 100' },
        // yellow (50) is the default's; the file lowered green below it.
        {
          path: 'segments.core.health.bands.yellow',
          message: expect.stringMatching(
            /^must be below green \(40\) \(not in your file: the default's value/,
          ),
        },
        {
          path: 'plays.nothing_here',
          message: expect.stringContaining('found nothing to delete: the default has no plays.nothing_here'),
        },
        { path: 'plays.weekly_tip.$patch', message: 'must be "replace" or "delete", not "merge"' },
      ]),
    );
  });

  it('refuses a file that is not an object of settings', () => {
    expect(errorsOf(parseConfigOverrides(['restraint']))).toEqual([
      { path: '(root)', message: expect.stringContaining('must be an object') },
    ]);
  });

  it('lists what a file changes in the default', () => {
    const result = parseConfigOverrides(JSON.parse(THREE_LINES));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(configChanges(defaultConfig, result.config)).toEqual([
      { path: 'segments.core.health.bands.green', kind: 'changed', before: 69, after: 75 },
      { path: 'restraint.weeklyPerContact', kind: 'changed', before: 2, after: 3 },
      { path: 'brand.productName', kind: 'added', after: 'Acme Analytics' },
      { path: 'brand.appUrl', kind: 'added', after: 'https://app.acme.example' },
    ]);
  });
});

describe('what a config changes, line by line', () => {
  it('names the item of a list that moved, when the list keeps its length; a list that grew changes whole', () => {
    const before = { custom: [{ id: 'tenure', expected: 1 }, { id: 'plan' }], tags: ['a'] };
    const after = { custom: [{ id: 'tenure', expected: 31 }, { id: 'plan' }], tags: ['a', 'b'] };
    expect(configChanges(before, after)).toEqual([
      { path: 'custom[0].expected', kind: 'changed', before: 1, after: 31 },
      { path: 'tags', kind: 'changed', before: ['a'], after: ['a', 'b'] },
    ]);
  });
});

describe('template variables are defined where the template is sent, or the config is refused', () => {
  it('accepts the default config, whose templates name no brand setting', () => {
    expect(parseConfigOverrides({}).ok).toBe(true);
  });

  it('refuses a name that is no variable, listing the variables', () => {
    const result = parseConfigOverrides({
      templates: { nudge_first_login: { paragraphs: ['Log in within {{dueDays}} days.'] } },
    });
    expect(errorsOf(result)).toEqual([
      {
        path: 'templates.nudge_first_login.paragraphs[0]',
        message: expect.stringMatching(
          /^uses \{\{dueDays\}\}, which is not a template variable; variables: .*dueDay,/,
        ),
      },
    ]);
  });

  it('refuses a brand variable the brand does not set, and accepts it once it does', () => {
    const template = { subject: 'Your {{productName}} workspace is waiting' };
    expect(errorsOf(parseConfigOverrides({ templates: { nudge_first_login: template } }))).toEqual([
      {
        path: 'templates.nudge_first_login.subject',
        message: 'uses {{productName}}, which is not set: set brand.productName in the config',
      },
    ]);
    const branded = parseConfigOverrides({
      templates: { nudge_first_login: template },
      brand: { productName: 'Acme Analytics' },
    });
    expect(branded.ok).toBe(true);
  });

  it('refuses a variable the step that sends the template cannot fill', () => {
    const result = parseConfigOverrides({
      templates: {
        nudge_first_login: { heading: 'Day {{reachedDay}}' },
        congrats_value: { heading: 'Next by day {{nextDueDay}}' },
        weekly_tip: { heading: 'Due by day {{dueDay}}' },
      },
    });
    expect(errorsOf(result)).toEqual([
      {
        path: 'templates.nudge_first_login.heading',
        message: expect.stringMatching(
          /^uses \{\{reachedDay\}\}, which only an onAchieved message has .*; sent from journeys\.core\.milestones\[0\]\.onLate/,
        ),
      },
      {
        path: 'templates.congrats_value.heading',
        message: expect.stringContaining('value_100 is the last milestone of the journey'),
      },
      {
        path: 'templates.weekly_tip.heading',
        message: expect.stringContaining('which only milestone journey messages have'),
      },
    ]);
  });

  it('refuses a logo that mail clients would block', () => {
    expect(
      errorsOf(parseConfigOverrides({ brand: { logoUrl: 'http://cdn.acme.example/logo.png' } })),
    ).toEqual([{ path: 'brand.logoUrl', message: 'must be an https URL (mail clients block other images)' }]);
  });
});
