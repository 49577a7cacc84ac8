import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkAccounts } from '#core/ingest';
import { scenarioSchema } from '#core/simulation/scenario';
import { type FieldError, fieldErrors } from '#core/validation';
import { ScenarioError, type SimulationInput, scenarioInput } from '#local/simulation/run';

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The first line of a parser's message: YAML's carry a multi-line excerpt of the source after it. */
const firstLine = (message: string) => (message.split('\n')[0] ?? message).trim().replace(/:$/, '');

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory (use --from-import <dir> to replay imported files)'
          : code === 'EACCES'
            ? 'permission denied'
            : firstLine(reason(error));
    throw new Error(`cannot read scenario ${file}: ${why}`);
  }
}

/** A scenario file's content: YAML for .yaml/.yml, JSON otherwise. Syntax errors are one line with the place. */
export function parseScenarioText(text: string, file: string): unknown {
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') {
    try {
      return parseYaml(text);
    } catch (error) {
      throw new Error(`${file} is not valid YAML: ${firstLine(reason(error))}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} is not valid JSON: ${firstLine(reason(error))} (scenarios are JSON, or YAML in a .yaml/.yml file)`,
    );
  }
}

/** The accounts' own problems, so that a scenario with a bad `start` also lists them in the same run. */
function accountErrors(data: unknown): FieldError[] {
  const accounts =
    typeof data === 'object' && data !== null && 'accounts' in data ? data.accounts : undefined;
  if (!Array.isArray(accounts)) return [];
  return checkAccounts(accounts).rejected.flatMap((r) =>
    r.errors.map((e) => ({ path: `accounts[${r.index}].${e.path}`, message: e.message })),
  );
}

/**
 * Reads, parses and validates a scenario (JSON, or YAML by extension). Every problem is reported with its field
 * path (a ScenarioError); a file that cannot be read or parsed is a one-line Error.
 */
export function loadScenarioFile(file: string): SimulationInput {
  const data = parseScenarioText(readText(file), file);
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) throw new ScenarioError([...fieldErrors(parsed.error), ...accountErrors(data)]);
  return scenarioInput(parsed.data);
}
