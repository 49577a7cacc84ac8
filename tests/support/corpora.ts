import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Third-party corpora beside the repository (../shared/corpora); absent on a bare clone, so tests that read them
 * skip. CHURNGUARD_CORPORA_DIR names them from elsewhere: Stryker runs the suite in a copy under .stryker-tmp/.
 */
export const corporaDir =
  process.env.CHURNGUARD_CORPORA_DIR ?? path.resolve(process.cwd(), '../shared/corpora');
export const hasCorpora = existsSync(corporaDir);
