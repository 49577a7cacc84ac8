import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { loadConfigFile } from '#config/file';
import { parseConfig } from '#config/load';
import { withConfig } from './builders.ts';

describe('parseConfig', () => {
  it('accepts the default config', () => {
    const result = parseConfig(defaultConfig);
    expect(result.ok).toBe(true);
    expect(result.ok && result.config).toEqual(defaultConfig);
  });

  it('reports every mistake in a config with its path, not only the first', () => {
    const broken = JSON.parse(JSON.stringify(defaultConfig));
    broken.segmentation.tiers.A.minArr = 600_000; // above tier I
    broken.segmentation.byTier.D.segment = 'smb'; // not defined
    broken.segments.core.health.weights.engagement = -5;
    broken.segments.core.health.weights.happiness = 10;
    broken.segments.strategic.health.bands = { green: 50, yellow: 60 };
    broken.segments.transactional.journeyBaseline.dueDays = { first_logon: 7 };
    broken.health.windows.support = 400; // longer than the 180-day lookback
    broken.health.maxDrivers = 0;
    broken.journeyBaseline.milestones[1].id = 'first_login';
    broken.colour = 'blue';

    const result = parseConfig(broken);

    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const byPath = Object.fromEntries(errors.map((error) => [error.path, error.message]));
    expect(byPath).toMatchObject({
      'segmentation.tiers.A.minArr': expect.stringContaining('must be below tier I (500000)'),
      'segmentation.byTier.D.segment': expect.stringContaining('names segment "smb", which is not defined'),
      'segments.core.health.weights.engagement': 'must be positive',
      'segments.core.health.weights.happiness': expect.stringContaining('is not a health component'),
      'segments.strategic.health.bands.yellow': 'must be below green (50)',
      'segments.transactional.journeyBaseline.dueDays.first_logon': expect.stringContaining(
        'names milestone "first_logon"',
      ),
      'health.windows.support': expect.stringContaining('must not exceed health.lookbackDays (180)'),
      'health.maxDrivers': expect.any(String),
      'journeyBaseline.milestones[1].id': 'repeats milestone "first_login"',
      '(root)': expect.stringContaining('colour'),
      // The journeys of all three segments still name the renamed milestone.
      'journeys.core.milestones[1].milestone': expect.stringContaining('names milestone "configured"'),
      'journeys.strategic.milestones[1].milestone': expect.stringContaining('names milestone "configured"'),
      'journeys.transactional.milestones[1].milestone': expect.stringContaining(
        'names milestone "configured"',
      ),
    });
    expect(errors).toHaveLength(13);
  });

  it('still checks references between sections when a section is broken elsewhere', () => {
    const broken = withConfig(defaultConfig, (draft) => {
      draft.segmentation.byTier.I.segment = 'enterprise';
    });
    const input = { ...broken, health: { ...broken.health, lookbackDays: 'half a year' } };
    const result = parseConfig(input);
    expect(result.ok ? [] : result.errors.map((error) => error.path)).toEqual([
      'health.lookbackDays',
      'segmentation.byTier.I.segment',
    ]);
  });

  it('rejects something that is not a config at all, saying what is missing', () => {
    const result = parseConfig('segments: core');
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '(root)', message: expect.stringContaining('object') }],
    });
  });

  it('reads the timers and escalation sections, naming each field it refuses', () => {
    const result = parseConfig({
      ...defaultConfig,
      timers: { ...defaultConfig.timers, anything: true },
      escalation: { ...defaultConfig.escalation, ackDays: { tier1: 0, tier2: 7 } },
    });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'timers', message: expect.stringContaining('"anything"') },
      { path: 'escalation.ackDays.tier1', message: expect.stringContaining('from 1 to 60') },
    ]);
  });
});

describe('loadConfigFile', () => {
  async function scratch(name: string, content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'churnguard-config-'));
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('loads and validates a JSON file', async () => {
    const path = await scratch('churnguard.json', JSON.stringify(defaultConfig));
    const result = await loadConfigFile(path);
    expect(result.ok && result.config.segments.core?.label).toBe('Core');
  });

  it('reports every problem in a JSON file with its path', async () => {
    const broken = withConfig(defaultConfig, (draft) => {
      draft.health.baseline.minCohortSize = 0;
      draft.health.decay.sentimentHalfLifeDays = 0;
    });
    const result = await loadConfigFile(await scratch('bad.json', JSON.stringify(broken)));
    expect(result.ok ? [] : result.errors.map((error) => error.path)).toEqual([
      'health.decay.sentimentHalfLifeDays',
      'health.baseline.minCohortSize',
    ]);
  });

  it('says when the file is not JSON', async () => {
    const result = await loadConfigFile(await scratch('broken.json', '{ "schemaVersion": 1,'));
    expect(result).toEqual({
      ok: false,
      errors: [{ path: '(file)', message: expect.stringContaining('is not valid JSON') }],
    });
  });

  it('says when the file cannot be read', async () => {
    const result = await loadConfigFile('/nonexistent/churnguard.json');
    expect(result.ok ? '' : result.errors[0]?.message).toContain('cannot read /nonexistent/churnguard.json');
  });

  it('loads a module whose default export is the config', async () => {
    const path = await scratch('churnguard.mjs', `export default ${JSON.stringify(defaultConfig)};`);
    expect((await loadConfigFile(path)).ok).toBe(true);
  });

  it('refuses YAML, which would need a new dependency', async () => {
    const result = await loadConfigFile(await scratch('churnguard.yaml', 'schemaVersion: 1'));
    expect(result.ok ? '' : result.errors[0]?.message).toContain('YAML is not supported');
  });
});
