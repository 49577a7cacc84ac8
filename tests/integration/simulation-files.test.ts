import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#config/load';
import { scenarioSchema } from '#core/simulation/scenario';
import { runSimulation, ScenarioError, scenarioInput } from '#local/simulation/run';
import { loadScenarioFile } from '../../cli/commands/scenario-file.ts';
import { loadSimulationConfig } from '../../cli/commands/simulate.ts';
import { loadImportedHistory } from '../../cli/commands/simulate-import.ts';
import { championAndLaggardScenario } from '../support/seed-scenarios.ts';

/** Loaded replays, whose spilled signals are deleted after each test. */
const loaded: { remove(): void }[] = [];
afterEach(() => {
  for (const replay of loaded.splice(0)) replay.remove();
});
const replayOf = async (options: Parameters<typeof loadImportedHistory>[0]) => {
  const history = await loadImportedHistory(options);
  loaded.push(history.replay);
  return history;
};

const scratch = () => mkdtempSync(join(tmpdir(), 'churnguard-sim-files-'));

const contacts = (id: string) =>
  JSON.stringify([
    {
      id: `${id}-admin`,
      email: `admin@${id}.example`,
      name: 'Ada',
      role: 'admin',
      timezone: 'Europe/Berlin',
    },
  ]).replaceAll('"', '""');

const accountRow = (id: string, name = `Account ${id}`) =>
  `${id},${name},EMEA,48000,EUR,2025-01-15,Casey Morgan,casey@vendor.example,"${contacts(id)}",2025-03-01,2026-03-01,48000`;
const ACCOUNT_HEADER =
  'id,name,region,arr,currency,goLiveDate,csm.name,csm.email,contacts,contract.startDate,contract.renewalDate,contract.arr';

const login = (id: string, accountId: string, at: string) =>
  JSON.stringify({ id, accountId, type: 'login', occurredAt: at, userId: 'u1' });

/** A directory as `churnguard import` takes it: accounts CSV, events JSONL, outcomes CSV, and an old rejects file. */
function importedHistory(): string {
  const dir = scratch();
  writeFileSync(
    join(dir, 'accounts.csv'),
    [ACCOUNT_HEADER, accountRow('acme'), accountRow('globex')].join('\n'),
  );
  writeFileSync(
    join(dir, 'events.jsonl'),
    [
      login('l1', 'acme', '2026-01-10T09:00:00Z'),
      login('l2', 'globex', '2026-01-12T09:00:00Z'),
      login('l3', 'acme', '2026-02-20T09:00:00Z'),
      JSON.stringify({
        id: 'end-globex',
        accountId: 'globex',
        type: 'renewal_outcome',
        occurredAt: '2026-03-01T12:00:00Z',
        attributes: { outcome: 'churned' },
      }),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'renewal-outcomes.csv'), 'accountId,outcome,at\nacme,renewed,2026-03-01\n');
  writeFileSync(join(dir, 'events.jsonl.rejects.jsonl'), '{"line": 9}\n');
  return dir;
}

describe('simulate --from-import', () => {
  it('reads accounts, signals and outcomes files into a run, its window taken from the data', async () => {
    // Prepare
    const dir = importedHistory();
    // Act
    const { input, files, outsideWindow } = await replayOf({ dir });
    // Assess
    expect(files).toEqual([
      { file: 'accounts.csv', kind: 'accounts', records: 2 },
      { file: 'events.jsonl', kind: 'signals', records: 4 },
      { file: 'renewal-outcomes.csv', kind: 'outcomes', records: 1 },
    ]);
    expect(outsideWindow).toBe(0);
    expect(input.start).toBe('2026-01-10');
    expect(input.days).toBe(51); // 10 January through 1 March
    expect(input.accounts).toHaveLength(2);
    expect(input.signalsForDay(0).map((s) => (s as { id: string }).id)).toEqual(['l1']);
    expect(input.signalsForDay(41).map((s) => (s as { id: string }).id)).toEqual(['l3']);
    // The renewal_outcome signal is an outcome, not a signal, so it is not fed in twice.
    expect(Array.from({ length: input.days }, (_, d) => input.signalsForDay(d)).flat()).toHaveLength(3);
    expect(input.outcomes).toEqual([
      { accountId: 'acme', outcome: 'renewed', at: '2026-03-01T00:00:00Z' },
      { accountId: 'globex', outcome: 'churned', at: '2026-03-01T12:00:00Z' },
    ]);
  });

  it('replays the history through the real runner', async () => {
    const { input } = await replayOf({ dir: importedHistory() });
    const result = await runSimulation(input);
    expect(result.rejected).toEqual([]);
    expect(result.accounts.map((a) => [a.accountId, a.outcome])).toEqual([
      ['acme', 'renewed'],
      ['globex', 'churned'],
    ]);
    expect(result.summary.warning?.churned).toBe(1);
  }, 120_000);

  it('keeps to a window given with --start and --days, and counts what it left out', async () => {
    const { input, outsideWindow } = await replayOf({
      dir: importedHistory(),
      start: '2026-01-11',
      days: 30,
    });
    expect(input.start).toBe('2026-01-11');
    expect(input.days).toBe(30);
    expect(outsideWindow).toBe(4); // l1 before, l3 and both outcomes after
  });

  it('checks every file first and lists every problem at once, each by file and line', async () => {
    expect.assertions(1);
    const dir = importedHistory();
    writeFileSync(
      join(dir, 'accounts.csv'),
      [ACCOUNT_HEADER, accountRow('acme'), accountRow('nameless', '')].join('\n'),
    );
    writeFileSync(
      join(dir, 'events.jsonl'),
      [
        login('l1', 'acme', '2026-01-10T09:00:00Z'),
        '{not json',
        login('l2', 'hooli', '2026-01-11T09:00:00Z'),
        JSON.stringify({
          id: 'm1',
          accountId: 'acme',
          type: 'milestone',
          occurredAt: '2026-01-12T09:00:00Z',
          attributes: { milestone: 'configured' },
        }),
        login('l3', 'nameless', '2026-01-13T09:00:00Z'),
      ].join('\n'),
    );
    writeFileSync(join(dir, 'renewal-outcomes.csv'), 'accountId,outcome,at\nacme,paused,2026-03-01\n');
    try {
      await replayOf({ dir });
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors).toEqual([
        { path: 'accounts.csv line 3', message: expect.stringContaining('name: ') },
        { path: 'events.jsonl line 2', message: expect.stringContaining('not valid JSON') },
        {
          path: 'events.jsonl line 3',
          message: 'accountId: names account "hooli", which no accounts file holds',
        },
        {
          path: 'events.jsonl line 4',
          message: expect.stringContaining('attributes.milestone: "configured" is not a milestone'),
        },
        {
          path: 'events.jsonl line 5',
          message: 'accountId: names account "nameless", whose record (accounts.csv line 3) is invalid',
        },
        { path: 'renewal-outcomes.csv line 2', message: expect.stringContaining('outcome: must be one of') },
      ]);
    }
  });

  it('leaves out and lists the records that do not validate with skipInvalid, and runs the rest', async () => {
    const dir = importedHistory();
    writeFileSync(
      join(dir, 'events.jsonl'),
      [
        login('l1', 'acme', '2026-01-10T09:00:00Z'),
        '{not json',
        login('l2', 'globex', '2026-01-12T09:00:00Z'),
      ].join('\n'),
    );
    const { input, skipped } = await replayOf({ dir, skipInvalid: true });
    expect(skipped).toEqual([
      { path: 'events.jsonl line 2', message: expect.stringContaining('not valid JSON') },
    ]);
    expect(Array.from({ length: input.days }, (_, d) => input.signalsForDay(d)).flat()).toHaveLength(2);
  });

  it('refuses a CSV whose header lacks the columns with one error naming them, not one per row', async () => {
    expect.assertions(1);
    const dir = importedHistory();
    writeFileSync(
      join(dir, 'accounts.csv'),
      [ACCOUNT_HEADER.replace('csm.email', 'csm_email'), accountRow('acme'), accountRow('globex')].join('\n'),
    );
    try {
      await replayOf({ dir, skipInvalid: true });
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors).toEqual([
        {
          path: 'accounts.csv',
          message: expect.stringMatching(
            /missing: {2}csm\.email\n {2}unknown: {2}csm_email \(did you mean csm\.email\?\)/,
          ),
        },
      ]);
    }
  });

  it('refuses a directory it cannot read in one line, and names the files it cannot place', async () => {
    await expect(loadImportedHistory({ dir: join(scratch(), 'missing') })).rejects.toThrow(
      /^cannot read import directory .*missing: no such directory$/,
    );
    const dir = scratch();
    writeFileSync(join(dir, 'accounts.json'), '[]');
    writeFileSync(join(dir, 'misc.csv'), 'a\n1\n');
    await expect(loadImportedHistory({ dir })).rejects.toThrow(/misc\.csv: cannot tell what it holds/);
  });

  it('replays the example history of examples/history', async () => {
    const { files, input } = await replayOf({ dir: 'examples/history' });
    expect(files.map((f) => f.kind)).toEqual(['accounts', 'signals', 'outcomes']);
    expect(input.outcomes).toEqual([
      { accountId: 'acme', outcome: 'renewed', at: '2026-03-01T00:00:00Z' },
      { accountId: 'globex', outcome: 'churned', at: '2026-03-01T00:00:00Z' },
    ]);
  });
});

describe('scenario files', () => {
  const yamlScenario = `start: 2026-03-02
days: 10
accounts:
  - id: acme
    name: Acme
    region: EMEA
    arr: 80000
    currency: EUR
    goLiveDate: 2026-03-02
    csm: { name: Casey, email: casey@vendor.example }
    contacts:
      - { id: acme-admin, email: admin@acme.example, name: Ada, role: admin, timezone: Europe/Berlin }
    contract: { startDate: 2026-03-02, renewalDate: 2027-03-02, arr: 80000 }
signals:
  - { id: s1, accountId: acme, type: login, occurredAt: "2026-03-03T09:00:00Z", userId: u1 }
`;

  it('takes a date alone as an outcome time, as outcome files do', () => {
    const dir = scratch();
    const file = join(dir, 'dated.yaml');
    writeFileSync(
      file,
      `${yamlScenario}outcomes:\n  - { accountId: acme, outcome: renewed, at: 2026-03-05 }\n`,
    );
    expect(loadScenarioFile(file).outcomes).toEqual([
      { accountId: 'acme', outcome: 'renewed', at: '2026-03-05T00:00:00Z' },
    ]);
  });

  it('reads and runs the example scenario that docs/scenarios.md describes', async () => {
    const input = loadScenarioFile('examples/scenario.yaml');
    const result = await runSimulation(input);
    expect(result.rejected).toEqual([]);
    expect(result.actions).toContainEqual(
      expect.objectContaining({ accountId: 'acme', kind: 'risk_acknowledged' }),
    );
    expect(result.accounts.find((a) => a.accountId === 'acme')?.outcome).toBe('renewed');
  }, 120_000);

  it('reads YAML as well as JSON', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'scenario.yaml'), yamlScenario);
    const input = loadScenarioFile(join(dir, 'scenario.yaml'));
    expect(input).toMatchObject({ start: '2026-03-02', days: 10 });
    expect(input.signalsForDay(1)).toHaveLength(1);
  });

  it('names the field path of each problem in a YAML scenario', () => {
    expect.assertions(1);
    const dir = scratch();
    writeFileSync(
      join(dir, 'scenario.yml'),
      yamlScenario
        .replace('days: 10', 'days: 10\nextra: 1')
        .replace('occurredAt: "2026-03-03', 'occurredAt: "2026-04-03'),
    );
    try {
      loadScenarioFile(join(dir, 'scenario.yml'));
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors.map((e) => e.path)).toEqual(['(root)']);
    }
  });

  it("lists the accounts' problems beside the scenario's own in one report", () => {
    expect.assertions(1);
    const dir = scratch();
    writeFileSync(
      join(dir, 's.yaml'),
      yamlScenario
        .replace('start: 2026-03-02', 'start: 2026-13-02')
        .replace('currency: EUR', 'currency: euro'),
    );
    try {
      loadScenarioFile(join(dir, 's.yaml'));
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors.map((e) => e.path)).toEqual([
        'start',
        'accounts[0].currency',
      ]);
    }
  });

  it('names the signal outside the window', () => {
    expect.assertions(1);
    const dir = scratch();
    writeFileSync(
      join(dir, 's.yaml'),
      yamlScenario.replace('occurredAt: "2026-03-03', 'occurredAt: "2026-04-03'),
    );
    try {
      loadScenarioFile(join(dir, 's.yaml'));
    } catch (error) {
      expect(error instanceof ScenarioError && error.errors.map((e) => e.path)).toEqual([
        'signals[0].occurredAt',
      ]);
    }
  });

  it('turns an unreadable or unparsable file into one clear line', () => {
    const dir = scratch();
    expect(() => loadScenarioFile(join(dir, 'nope.yaml'))).toThrow(
      /^cannot read scenario .*nope\.yaml: no such file$/,
    );
    mkdirSync(join(dir, 'folder.json'));
    expect(() => loadScenarioFile(join(dir, 'folder.json'))).toThrow(/it is a directory/);
    writeFileSync(join(dir, 'broken.yaml'), 'accounts: [unclosed\n');
    expect(() => loadScenarioFile(join(dir, 'broken.yaml'))).toThrow(
      /^[^\n]*is not valid YAML: [^\n]*line 2, column 1$/,
    );
    writeFileSync(join(dir, 'broken.json'), '{"start": ');
    expect(() => loadScenarioFile(join(dir, 'broken.json'))).toThrow(/^[^\n]*is not valid JSON: [^\n]*$/);
  });
});

describe('simulate --config', () => {
  it('loads a config file, and refuses an invalid one with every problem and its path', async () => {
    const dir = scratch();
    const { defaultConfig } = await import('#config/default');
    const good = { ...defaultConfig, restraint: { ...defaultConfig.restraint, weeklyPerContact: 1 } };
    writeFileSync(join(dir, 'good.json'), JSON.stringify(good));
    expect((await loadSimulationConfig(join(dir, 'good.json'))).restraint.weeklyPerContact).toBe(1);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...good, schemaVersion: 2 }));
    await expect(loadSimulationConfig(join(dir, 'bad.json'))).rejects.toThrow(
      /bad\.json has 1 problem\(s\):\n {2}schemaVersion: /,
    );
  });

  it('runs the simulation under the given config', async () => {
    // Prepare: the default playbook with the two onboarding nudges in silent mode.
    const { defaultConfig } = await import('#config/default');
    const loaded = parseConfig({
      ...defaultConfig,
      plays: {
        ...defaultConfig.plays,
        nudge_first_login: { ...defaultConfig.plays.nudge_first_login, silent: true },
        nudge_configured: { ...defaultConfig.plays.nudge_configured, silent: true },
      },
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const scenario = scenarioInput(scenarioSchema.parse(championAndLaggardScenario()));
    // Act
    const result = await runSimulation(scenario, { config: loaded.config });
    // Assess: the laggard's nudges are recorded as would-have-sent, and no nudge reaches it.
    const silent = result.skipped.filter((s) => s.accountId === 'lag' && s.reason === 'silent_mode');
    expect(new Set(silent.map((s) => s.play))).toEqual(new Set(['nudge_first_login', 'nudge_configured']));
    expect(result.emails.filter((e) => e.to.some((to) => to.endsWith('@lag.example')))).toEqual([]);
    expect(result.actions.some((a) => a.play === 'csm_milestone_missed')).toBe(true);
  }, 120_000);
});
