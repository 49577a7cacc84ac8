import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod';
import { type FieldError, fieldErrors } from '#core/validation';
import { apiKeyFilePath, localHome, runningStack, stackFilePath } from '#local/home';

export interface ApiTarget {
  url: string;
  key: string;
  /** Where the URL came from, in words, for a message when it cannot be reached. */
  source?: string;
}

const POINT_ELSEWHERE =
  'point the CLI at another API with --api <url> or CHURNGUARD_API_URL (and --key or CHURNGUARD_API_KEY)';

/**
 * --api/--key, else CHURNGUARD_API_URL/CHURNGUARD_API_KEY, else the local stack running from the project's
 * `.churnguard` (found from any folder of the project, or by CHURNGUARD_HOME; see local/home.ts), else
 * http://127.0.0.1:$PORT (3000).
 */
export function resolveApiTarget(options: { api?: string; key?: string }): ApiTarget {
  const home = localHome();
  const stack = runningStack(home);
  const [url, source] = options.api
    ? [options.api, '--api']
    : process.env.CHURNGUARD_API_URL
      ? [process.env.CHURNGUARD_API_URL, 'CHURNGUARD_API_URL']
      : stack
        ? [stack.apiUrl, `the local stack running from ${home} (${stackFilePath(home)})`]
        : [
            `http://127.0.0.1:${process.env.PORT || 3000}`,
            `${process.env.PORT ? 'PORT' : 'the default port 3000'}; no local stack is running from ${home}`,
          ];
  const keyFile = apiKeyFilePath(home);
  const key =
    options.key ||
    process.env.CHURNGUARD_API_KEY ||
    (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
  if (!key) {
    throw new Error(
      `no API key: start the local stack (npm start) so that ${keyFile} exists, or ${POINT_ELSEWHERE}`,
    );
  }
  return { url: url.replace(/\/+$/, ''), key, source };
}

/** Connecting was refused: nothing listens there. Said at once, with the way out, instead of retried for seconds. */
export class ApiUnreachableError extends Error {
  constructor(target: ApiTarget) {
    super(
      `cannot reach the churnguard API at ${target.url} (connection refused)${target.source ? `; the URL came from ${target.source}` : ''}. ` +
        `Start the local stack with npm start (or churnguard dev), or ${POINT_ELSEWHERE}.`,
    );
    this.name = 'ApiUnreachableError';
  }
}

const refused = (error: unknown) =>
  error instanceof Error &&
  error.cause instanceof Error &&
  'code' in error.cause &&
  error.cause.code === 'ECONNREFUSED';

/** Targets that have answered once: a refusal after that is a restart, worth the retries. */
const answered = new WeakSet<ApiTarget>();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** The API could not be reached at all (refused, reset, unknown host): not an answer. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

/** One answer of the API, as received. */
export interface RawAnswer {
  status: number;
  text: string;
  /** From a Retry-After header (seconds or an HTTP date), when the API sent one. */
  retryAfterMs?: number;
}

function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * POSTs a JSON text once and returns whatever the API answered, without retrying: for a caller that paces its
 * own requests (churnguard import backs off on throttling for all its requests at once). Throws UnreachableError
 * when there was no answer.
 */
export async function postOnce(target: ApiTarget, path: string, body: string): Promise<RawAnswer> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
      body,
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new UnreachableError(`could not reach ${target.url}${path} (${reason})`);
  }
  const answer: RawAnswer = { status: response.status, text: await response.text() };
  const wait = retryAfter(response.headers.get('retry-after'));
  if (wait !== undefined) answer.retryAfterMs = wait;
  return answer;
}

/** The `message` and field `errors` of a JSON error answer, else the start of the raw text. */
export function errorAnswer(answer: RawAnswer): { message: string; errors: FieldError[] } {
  try {
    const parsed = errorBody.safeParse(JSON.parse(answer.text));
    if (parsed.success) return { message: parsed.data.message, errors: parsed.data.errors ?? [] };
  } catch {
    // not JSON: fall through to the raw text
  }
  return { message: answer.text.slice(0, 500), errors: [] };
}

const errorBody = z.object({
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/**
 * Sends a request, retrying throttling, server errors and refused connections with backoff, and returns the body
 * of the first successful answer. A refused connection to a target that never answered fails at once
 * (ApiUnreachableError): nothing is listening, and waiting would only hide the fix. Every churnguard call is safe to repeat: writes are idempotent, reads are reads.
 */
async function send(target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown, attempts = 6) {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(8000, 250 * 2 ** attempt)));
    try {
      const response = await fetch(`${target.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      answered.add(target);
      const text = await response.text();
      if (response.ok) return text;
      const answer = errorAnswer({ status: response.status, text });
      const fields = answer.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      const message = `${response.status} from ${method} ${path}: ${answer.message}${fields ? ` (${fields})` : ''}`;
      if (!RETRYABLE.has(response.status)) throw new ApiError(response.status, message);
      lastError = new ApiError(response.status, message);
    } catch (error) {
      if (error instanceof ApiError && !RETRYABLE.has(error.status)) throw error;
      if (refused(error) && !answered.has(target)) throw new ApiUnreachableError(target);
      lastError = error;
    }
  }
  const reason =
    lastError instanceof Error
      ? lastError.cause instanceof Error
        ? lastError.cause.message
        : lastError.message
      : String(lastError);
  throw new Error(
    `could not reach ${target.url}${path} after ${attempts} attempts (${reason})` +
      `${target.source ? `; the URL came from ${target.source}` : ''}; is the API running? Else ${POINT_ELSEWHERE}`,
  );
}

/** POSTs JSON and returns the parsed answer (see send for retries). */
export async function postJson<T>(target: ApiTarget, path: string, body: unknown, attempts = 6): Promise<T> {
  return JSON.parse(await send(target, 'POST', path, body, attempts)) as T;
}

/** GETs JSON and checks the answer against `schema`: a client never trusts a shape it did not check. */
export async function getJson<T>(
  target: ApiTarget,
  path: string,
  schema: z.ZodType<T>,
  attempts = 6,
): Promise<T> {
  const text = await send(target, 'GET', path, undefined, attempts);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`GET ${path} did not answer JSON: ${text.slice(0, 200)}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error)
      .slice(0, 5)
      .map((e) => `${e.path}: ${e.message}`)
      .join('; ');
    throw new Error(
      `GET ${path} answered an unexpected shape (${problems}); are the CLI and API the same version?`,
    );
  }
  return parsed.data;
}
