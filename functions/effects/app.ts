import * as z from 'zod';
import { PLAY_KINDS } from '#config/journeys-schema';
import { effectSchema } from '#core/effects/effect';
import { applyEffects, type ExecutorDeps } from '#usecases/apply-effects';
import { type DeliverDeps, deliverMessage } from '#usecases/deliver-message';

const owner = z.union([z.strictObject({ accountId: z.string() }), z.strictObject({ team: z.string() })]);

const taskInput = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('apply'),
    accountId: z.string(),
    effects: z.array(effectSchema),
    context: z
      .object({ openEscalation: z.boolean(), urgentTicket: z.boolean(), renewalNegotiation: z.boolean() })
      .optional(),
    execution: z.string().optional(),
  }),
  z.object({
    task: z.literal('deliver'),
    owner,
    key: z.string(),
    execution: z.string().nullable().optional(),
  }),
]);

/**
 * Every workflow's Apply and Deliver tasks (DESIGN decision 9: one executor). `apply`: apply the effects its
 * Evaluate step returned, exactly once per cause, and return the emails reserved for delivery. `deliver`: send one
 * reserved email and settle it; SendThrottled is thrown for the state machine to retry with jitter.
 */
export function createEffectsHandler(deps: ExecutorDeps & Pick<DeliverDeps, 'mailer' | 'poster'>) {
  return async (event: unknown) => {
    const input = taskInput.parse(event);
    if (input.task === 'apply') {
      const { task: _task, ...apply } = input;
      return applyEffects(deps, apply);
    }
    const outcome = await deliverMessage(
      deps,
      { owner: input.owner, key: input.key },
      input.execution ?? undefined,
    );
    return { outcome };
  };
}

/** The construct's topic per play kind (JOURNEY_TOPICS, JSON); checked at cold start, a bad value throws. */
export function journeyTopicsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  if (!env.JOURNEY_TOPICS) return {};
  return z.partialRecord(z.enum(PLAY_KINDS), z.string().min(1)).parse(JSON.parse(env.JOURNEY_TOPICS));
}
