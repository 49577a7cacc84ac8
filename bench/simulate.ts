import '#local/quiet-sdk';
import { type PhaseProfile, runSimulation } from '#local/simulation/run';
import type { SimulationStore } from '#local/simulation/store';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { machine, round } from './support.ts';

/**
 * Virtual account-days per second of the whole system under simulation (handlers, exactly-once store, dispatcher,
 * synthesized state machines, journeys) on an in-memory DynamoDB Local, with a phase profile, and the time that
 * rate implies for the targets (1,000 and 10,000 accounts over 365 days).
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 30);
const DAYS = Number(process.env.BENCH_DAYS ?? 120);
const store = (process.env.BENCH_STORE ?? 'memory') as SimulationStore;

const generated = syntheticSimulationInput(ACCOUNTS, DAYS, 1);
let signals = 0;
const input = {
  ...generated,
  signalsForDay: (day: number) => {
    const list = generated.signalsForDay(day);
    signals += list.length;
    return list;
  },
};
const profile: PhaseProfile = { setup: 0, timers: 0, signals: 0, acks: 0, collect: 0 };
const started = Date.now();
const result = await runSimulation(input, { profile, store });
const seconds = (Date.now() - started) / 1000;
const accountDaysPerSec = (ACCOUNTS * DAYS) / seconds;
const figures = {
  bench: 'simulate',
  accounts: ACCOUNTS,
  days: DAYS,
  signals,
  signalsPerAccountDay: round(signals / (ACCOUNTS * DAYS), 1),
  seconds: round(seconds, 1),
  accountDaysPerSec: round(accountDaysPerSec, 1),
  signalsPerSec: Math.round(signals / seconds),
  phaseShare: Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, round(v / 1000 / seconds, 2)])),
  actions: result.actions.length,
  projectedMinutes: {
    accounts1000days365: round((1000 * 365) / accountDaysPerSec / 60, 0),
    accounts10000days365: round((10_000 * 365) / accountDaysPerSec / 60, 0),
  },
  machine: machine(),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
