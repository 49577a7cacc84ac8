import type { ChatPoster } from '#functions/shared/chat-poster';
import type { Mailer } from '#functions/shared/mailer';
import type { Deps } from '#functions/shared/runtime';

/**
 * What EventBridge Scheduler does in AWS, here on the real clock: the dispatcher every few seconds, and the daily
 * health pass (with risk detection), the daily notice mails and the weekly digest when their time comes. The
 * workflow engine (a CDK synth of the stack) is built on the first run, after start-up, so `npm start` answers
 * at once. Runs never overlap.
 */
export function startLocalDispatcher(
  deps: Deps,
  everySeconds: number,
  mailer?: Mailer,
  poster?: ChatPoster,
): { stop(): void } {
  if (!(everySeconds > 0)) return { stop() {} };
  let running = false;
  let dispatch: (() => Promise<unknown>) | undefined;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      if (!dispatch) {
        const { createWorkflowEngine } = await import('./workflow-engine.ts');
        dispatch = createWorkflowEngine(deps, { mailer, ...(poster ? { poster } : {}) }).runDue;
      }
      await dispatch();
    } catch (error) {
      deps.logger.error('local dispatcher run failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      running = false;
    }
  };
  const interval = setInterval(() => void tick(), everySeconds * 1000);
  interval.unref();
  return { stop: () => clearInterval(interval) };
}
