import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { TIMER_KINDS, type TimerKind } from '#core/workflows/timers';
import type { WorkflowStarter } from './app.ts';

const stateMachineArns = z.record(z.enum(TIMER_KINDS), z.string().startsWith('arn:'));

/** Starts executions in AWS Step Functions; the state machine per timer kind comes from STATE_MACHINE_ARNS (JSON). */
export function sfnStarter(json: string | undefined, client = new SFNClient({})): WorkflowStarter {
  const arns = stateMachineArns.parse(JSON.parse(json ?? '{}')) as Record<TimerKind, string>;
  return {
    async start(kind, name, input) {
      try {
        await client.send(
          new StartExecutionCommand({ stateMachineArn: arns[kind], name, input: JSON.stringify(input) }),
        );
        return 'started';
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return 'already_started';
        throw error;
      }
    },
  };
}
