import type { Server } from 'node:http';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as sesModule from 'aws-ses-v2-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  checkWorkflowDefinitions,
  createWorkflowRuntime,
  type ExtractedStateMachine,
  extractStateMachines,
  localFunctionArn,
  sesv2Integrations,
  type TaskHandler,
  type WorkflowRuntime,
  type WorkflowRuntimeOptions,
} from '#local/workflows/index';
import type { Db } from '#store/client';
import { createTestDb } from '#tests/support/db';
import { synthesizeTestStack } from './test-stack.ts';

class ScoreUnavailable extends Error {
  override name = 'ScoreUnavailable';
}
class AccountNotFound extends Error {
  override name = 'AccountNotFound';
}

const scoreInput = z.object({ accountId: z.string() });
const notifyInput = z.object({ accountId: z.string(), token: z.string().optional() });

/** The local handlers, steered by account id: `red-*` is red, `flaky-*` fails twice first, `gone-*` is unknown. */
function fakeHandlers() {
  const calls = { score: [] as string[], notify: [] as { accountId: string; token?: string }[] };
  const failures = new Map<string, number>();
  const score: TaskHandler = async (input) => {
    const { accountId } = scoreInput.parse(input);
    calls.score.push(accountId);
    if (accountId.startsWith('gone-')) throw new AccountNotFound(`no account ${accountId}`);
    if (accountId.startsWith('flaky-')) {
      const failed = failures.get(accountId) ?? 0;
      if (failed < 2) {
        failures.set(accountId, failed + 1);
        throw new ScoreUnavailable('scoring is warming up');
      }
    }
    return { band: accountId.startsWith('red-') ? 'red' : 'green', score: 42 };
  };
  const notify: TaskHandler = async (input) => {
    calls.notify.push(notifyInput.parse(input));
    return { notified: true };
  };
  return { calls, handlers: { score, notify } };
}

type StartSesLocal = (config?: { host?: string; port?: number }) => Promise<Server>;
const isStartSesLocal = (value: unknown): value is StartSesLocal => typeof value === 'function';

/** aws-ses-v2-local is CommonJS: its server function is `default` or `default.default`, by loader. */
function startSesLocal(): Promise<Server> {
  const outer: unknown = sesModule.default;
  const inner = typeof outer === 'object' && outer !== null && 'default' in outer ? outer.default : undefined;
  const start = [outer, inner].find(isStartSesLocal);
  if (!start) throw new Error('aws-ses-v2-local exports no server function');
  return start({ host: '127.0.0.1', port: 0 });
}

async function until<T>(probe: () => T | undefined, what: string, deadlineMs = 5_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local workflow runtime', () => {
  let machines: ExtractedStateMachine[];
  let db: Db;
  let ses: Server;
  let sesEndpoint: string;
  let fake: ReturnType<typeof fakeHandlers>;
  let runtime: WorkflowRuntime;
  let runtimeOptions: WorkflowRuntimeOptions;
  const byName = (name: string) => {
    const machine = machines.find((m) => m.name === name);
    if (!machine) throw new Error(`no state machine ${name}`);
    return machine;
  };

  beforeAll(async () => {
    machines = extractStateMachines(synthesizeTestStack());
    db = await createTestDb();
    ses = await startSesLocal();
    const address = ses.address();
    sesEndpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    fake = fakeHandlers();
    runtimeOptions = {
      stateMachines: ['RenewalCheckpoint', 'AwaitAck', 'Invite'].map(byName),
      taskHandlers: fake.handlers,
      serviceIntegrations: {
        dynamodb: { client: db.doc, tableName: db.tableName },
        handlers: sesv2Integrations(
          new SESv2Client({
            endpoint: sesEndpoint,
            region: 'local',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }),
        ),
      },
    };
    runtime = createWorkflowRuntime(runtimeOptions);
  });

  afterAll(async () => {
    db?.doc.destroy();
    await new Promise<void>((resolve) => (ses ? ses.close(() => resolve()) : resolve()));
  });

  describe('extractStateMachines', () => {
    it('names each state machine by its construct id and resolves its definition to plain ASL', () => {
      expect(machines.map((m) => m.name).sort()).toEqual([
        'AwaitAck',
        'Calendar',
        'Invite',
        'Jsonata',
        'RenewalCheckpoint',
      ]);
      const checkpoint = byName('RenewalCheckpoint');
      const functionId = (handler: string) =>
        Object.keys(checkpoint.functionHandlers).find((id) => checkpoint.functionHandlers[id] === handler) ??
        '';
      expect(Object.keys(checkpoint.functionHandlers)).toHaveLength(2);
      expect(functionId('score')).toMatch(/^ScoreFunction/);
      expect(functionId('notify')).toMatch(/^NotifyFunction/);
      expect(checkpoint.definition.States).toMatchObject({
        Score: { Resource: localFunctionArn(functionId('score')) },
        Notify: {
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: localFunctionArn(functionId('notify')) },
        },
        Record: {
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: checkpoint.tables[0] },
        },
      });
      expect(checkpoint.tables).toEqual([expect.stringMatching(/^Data/)]);
    });
  });

  describe('running the renewal checkpoint', () => {
    it('runs a red account through the Choice, the lambda:invoke task and the Wait, and writes and reads DynamoDB', async () => {
      const startedAt = Date.now();

      const result = await runtime.startExecution('RenewalCheckpoint', 'red-1-T-90', { accountId: 'red-1' });

      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        output: {
          accountId: 'red-1',
          health: { band: 'red', score: 42 },
          notice: { notified: true },
          stored: { band: 'red' },
        },
        history: ['Score', 'Band', 'Notify', 'Pause', 'Record', 'ReadBack', 'Done'],
        transitions: 7,
      });
      expect(Date.now() - startedAt).toBeLessThan(5_000); // the 30 s Wait took no time
      const stored = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: 'ACCOUNT#red-1', sk: 'CHECKPOINT#T-90' } }),
      );
      expect(stored.Item).toEqual({ pk: 'ACCOUNT#red-1', sk: 'CHECKPOINT#T-90', band: 'red' });
    });

    it('names a failed DynamoDB condition as Step Functions does, so Catch can route it', async () => {
      await runtime.startExecution('RenewalCheckpoint', 'red-9-T-90', { accountId: 'red-9' });

      const result = await runtime.startExecution('RenewalCheckpoint', 'red-9-T-90-replayed', {
        accountId: 'red-9',
      });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.history.slice(-2)).toEqual(['Record', 'AlreadyRecorded']);
    });

    it('skips the notice for a green account', async () => {
      const result = await runtime.startExecution('RenewalCheckpoint', 'green-1-T-90', {
        accountId: 'green-1',
      });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.history).toEqual(['Score', 'Band', 'Pause', 'Record', 'ReadBack', 'Done']);
      expect(fake.calls.notify.map((call) => call.accountId)).not.toContain('green-1');
    });

    it('retries a task that fails twice, counting each retry as a transition', async () => {
      const result = await runtime.startExecution('RenewalCheckpoint', 'flaky-1-T-90', {
        accountId: 'flaky-1',
      });

      expect(result.status).toBe('SUCCEEDED');
      expect(fake.calls.score.filter((id) => id === 'flaky-1')).toHaveLength(3);
      expect(result.history).toEqual(['Score', 'Band', 'Pause', 'Record', 'ReadBack', 'Done']);
      expect(result.transitions).toBe(6 + 2);
    });

    it('routes a named handler error through Catch to the named failure state', async () => {
      const result = await runtime.startExecution('RenewalCheckpoint', 'gone-1-T-90', {
        accountId: 'gone-1',
      });

      expect(result).toMatchObject({
        status: 'FAILED',
        error: 'ScoringFailed',
        history: ['Score', 'ScoringFailed'],
      });
      expect(JSON.parse(result.cause ?? '{}')).toMatchObject({
        errorType: 'AccountNotFound',
        errorMessage: 'no account gone-1',
      });
      expect(fake.calls.score.filter((id) => id === 'gone-1')).toHaveLength(1); // not retried
    });

    it('is idempotent by execution name: the same input returns the first result without running again', async () => {
      const first = await runtime.startExecution('RenewalCheckpoint', 'red-2-T-60', { accountId: 'red-2' });
      const again = await runtime.startExecution('RenewalCheckpoint', 'red-2-T-60', { accountId: 'red-2' });

      expect(again).toEqual(first);
      expect(fake.calls.score.filter((id) => id === 'red-2')).toHaveLength(1);
      expect(runtime.executions().filter((e) => e.executionName === 'red-2-T-60')).toHaveLength(1);
    });

    it('rejects the same execution name with a different input as ExecutionAlreadyExists', async () => {
      await runtime.startExecution('RenewalCheckpoint', 'red-3-T-30', { accountId: 'red-3' });

      await expect(
        runtime.startExecution('RenewalCheckpoint', 'red-3-T-30', { accountId: 'red-4' }),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      expect(fake.calls.score).not.toContain('red-4');
    });

    it('forgets an execution the given time after it closed, when asked to, so its name can be used again', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const forgetting = createWorkflowRuntime({
        ...runtimeOptions,
        clock: { now: () => new Date(now) },
        forgetClosedAfterMs: 90 * 86_400_000,
      });
      await forgetting.startExecution('RenewalCheckpoint', 'green-7-T-90', { accountId: 'green-7' });
      now += 89 * 86_400_000;
      await expect(
        forgetting.startExecution('RenewalCheckpoint', 'green-7-T-90', { accountId: 'green-8' }),
      ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      now += 2 * 86_400_000;
      const reused = await forgetting.startExecution('RenewalCheckpoint', 'green-7-T-90', {
        accountId: 'green-8',
      });
      expect(reused.status).toBe('SUCCEEDED');
      expect(forgetting.executions().map((e) => e.input)).toEqual([{ accountId: 'green-8' }]);
      expect(forgetting.executionCount()).toBe(2);
    });

    it('rejects execution names Step Functions would reject', async () => {
      await expect(
        runtime.startExecution('RenewalCheckpoint', 'ACCOUNT#red-5', { accountId: 'red-5' }),
      ).rejects.toMatchObject({ name: 'InvalidName' });
    });
  });

  describe('callbacks and other integrations', () => {
    it('passes $$.Task.Token to a waitForTaskToken task and resumes on SendTaskSuccess', async () => {
      const running = runtime.startExecution('AwaitAck', 'ack-red-1', { accountId: 'red-1' });
      const pending = await until(
        () => runtime.pendingTasks().find((task) => task.executionName === 'ack-red-1'),
        'the task token',
      );
      await until(() => fake.calls.notify.find((call) => call.token === pending.token), 'the notice');

      runtime.sendTaskSuccess(pending.token, { acknowledgedBy: 'csm@vendor.example' });

      expect(await running).toMatchObject({
        status: 'SUCCEEDED',
        output: { accountId: 'red-1', ack: { acknowledgedBy: 'csm@vendor.example' } },
      });
      expect(runtime.pendingTasks()).toEqual([]);
    });

    it('sends an email with an .ics attachment through aws-sdk:sesv2:sendEmail to SES local', async () => {
      const ics = Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n').toString('base64');

      const result = await runtime.startExecution('Invite', 'invite-red-1', {
        to: ['sponsor@red-1.example'],
        name: 'Sam',
        ics,
      });

      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        output: { email: { MessageId: expect.any(String) } },
      });
      const store = z
        .object({
          emails: z.array(
            z.object({
              subject: z.string(),
              destination: z.object({ to: z.array(z.string()) }),
              attachments: z.array(z.object({ filename: z.string().optional(), content: z.string() })),
            }),
          ),
        })
        .parse(await (await fetch(`${sesEndpoint}/store`)).json());
      expect(store.emails).toContainEqual(
        expect.objectContaining({
          subject: 'Your annual customer review',
          destination: expect.objectContaining({ to: ['sponsor@red-1.example'] }),
          attachments: [expect.objectContaining({ filename: 'review.ics', content: ics })],
        }),
      );
    });

    it('refuses to start when a task has no local handler', () => {
      expect(() =>
        createWorkflowRuntime({
          stateMachines: [byName('RenewalCheckpoint')],
          taskHandlers: { score: fake.handlers.score },
        }),
      ).toThrow(/no task handler named "notify"[\s\S]*no local integration for dynamodb:putItem/);
    });
  });

  describe('checkWorkflowDefinitions', () => {
    it('accepts the definitions the runtime runs', () => {
      expect(checkWorkflowDefinitions(['RenewalCheckpoint', 'AwaitAck', 'Invite'].map(byName))).toEqual([]);
    });

    it('flags JSONata, Wait states on the calendar, and Lambda tasks without a service-error Retry', () => {
      const problems = checkWorkflowDefinitions([byName('Jsonata'), byName('Calendar')]);

      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ stateMachine: 'Jsonata', rule: 'jsonata' }),
          expect.objectContaining({ stateMachine: 'Calendar', state: 'UntilRenewal', rule: 'long-wait' }),
          expect.objectContaining({ stateMachine: 'Calendar', state: 'UntilDue', rule: 'calendar-wait' }),
          expect.objectContaining({ stateMachine: 'Calendar', state: 'Unguarded', rule: 'lambda-retry' }),
        ]),
      );
      expect(problems.filter((p) => p.stateMachine === 'Calendar')).toHaveLength(3);
    });
  });
});
