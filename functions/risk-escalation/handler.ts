import { runtimeDeps } from '../shared/runtime.ts';
import { createRiskEscalationHandler } from './app.ts';

export const handler = createRiskEscalationHandler(runtimeDeps('risk-escalation'));
