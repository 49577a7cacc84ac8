import { runtimeDeps } from '../shared/runtime.ts';
import { createPortfolioHandler } from './app.ts';

export const handler = createPortfolioHandler(runtimeDeps('portfolio'));
