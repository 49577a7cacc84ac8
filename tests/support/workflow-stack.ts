import { sesMailer } from '#functions/shared/mailer';
import { startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, type WorkflowEngineOptions } from '#local/workflow-engine';
import { createTestDb, silentLogger } from './db.ts';
import { inbox } from './ses-mail.ts';

/**
 * A workflow test's local stack: a fresh table, a virtual clock at `at`, SES local and the workflow engine mailing
 * through it (scheduled runs off unless asked for), with the inbox to read. `stop` ends SES local.
 */
export async function startWorkflowStack(at: string, options: Omit<WorkflowEngineOptions, 'mailer'> = {}) {
  const db = await createTestDb();
  const clock = new VirtualClock(at);
  const ses = await startSesLocal();
  const engine = createWorkflowEngine(
    { db, clock, logger: silentLogger() },
    {
      mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }),
      schedules: false,
      ...options,
    },
  );
  return { db, clock, engine, mail: inbox(ses), stop: () => ses.stop() };
}
