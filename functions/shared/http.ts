import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { illFormedMessage } from '#core/ids';
import { isWellFormed, utf8Length } from '#core/text';
import { type FieldError, fieldErrors, formatPath, illFormedText } from '#core/validation';
import { type ApiKeyScope, apiKeyScope } from '#store/api-key-store';
import { isThrottled, NotFoundError } from '#store/errors';
import { scopeFor } from '../routes.ts';
import type { Deps } from './runtime.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

/** Larger bodies are refused before parsing; 1,000 signals of realistic size fit in well under this. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A request header by name, case-insensitively (API Gateway lower-cases them; other callers may not). */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function rawBody(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The body's bytes exactly as received, for signatures computed over bytes rather than text. */
export function rawBodyBytes(event: HttpEvent): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Parses a JSON body; empty or not JSON is a 400 with the reason. */
export function parseJson(text: string, empty = 'body is empty; send a JSON object'): unknown {
  if (text.trim() === '') throw new HttpError(400, empty);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * Refuses a body holding text that is not well-formed Unicode (a lone surrogate such as `\ud800`), naming where:
 * for bodies whose ids become keys before any record is validated on its own (vendor webhooks).
 */
export function requireWellFormed(data: unknown): void {
  const errors = illFormedText(data, ['body']);
  if (errors.length > 0) throw new HttpError(400, 'body holds text that is not well-formed Unicode', errors);
}

/** Parses the JSON body against an envelope schema; every failure is a 4xx that names the field and the reason. */
export function parseBody<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  const text = rawBody(event);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_BODY_BYTES) {
    throw new HttpError(
      413,
      `body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes, split it into smaller batches`,
    );
  }
  const data = parseJson(text);
  const parsed = schema.safeParse(data);
  if (!parsed.success)
    throw new HttpError(400, 'body does not have the expected shape', fieldErrors(parsed.error));
  return parsed.data;
}

const BEARER = /^Bearer\s+(\S+)$/i;
/** How long a warm function trusts a key it has checked: a revoked key keeps working here for at most this long. */
export const KEY_CACHE_MS = 60_000;
const keyCache = new Map<string, { scope: ApiKeyScope; until: number }>();

/**
 * API-key authentication for every /v1 route except webhooks, which verify their vendor's signature instead; the
 * key's scope must allow the route (functions/routes.ts scopeFor), or the answer is 403 naming the scope needed.
 */
async function authenticate(event: HttpEvent, deps: Deps): Promise<void> {
  const challenge = { 'www-authenticate': 'Bearer realm="churnguard"' };
  const match = BEARER.exec(header(event, 'authorization') ?? '');
  if (!match) throw new HttpError(401, 'missing API key: send "Authorization: Bearer <key>"', [], challenge);
  const key = match[1] as string;
  const now = deps.clock.now().getTime();
  let scope = keyCache.get(key);
  if (scope === undefined || scope.until <= now) {
    const found = await apiKeyScope(deps.db, key);
    if (!found) throw new HttpError(401, 'API key not recognised', [], challenge);
    scope = { scope: found, until: now + KEY_CACHE_MS };
    keyCache.set(key, scope);
  }
  const needed = scopeFor(event.routeKey);
  if (scope.scope !== 'admin' && scope.scope !== needed)
    throw new HttpError(
      403,
      needed === 'admin'
        ? `this API key's scope is ${scope.scope}; ${event.routeKey} needs an admin key`
        : `this API key's scope is ${scope.scope}; ${event.routeKey} needs ${needed === 'ingest' ? 'an ingest' : 'a read'} or admin key`,
    );
}

export interface RouteOptions {
  /** `apiKey` (default) or `signature` for webhooks that authenticate themselves. */
  auth?: 'apiKey' | 'signature';
}

const THROTTLED_RETRY_AFTER_SECONDS = 1;

/**
 * The one place where errors become responses. Expected failures carry their status; DynamoDB throttling that
 * outlasted the retries is a 503 with Retry-After (`churnguard import` then slows down); anything else is a 500
 * whose details go to the log (without the request body, which may hold personal data), never to the client.
 */
export function httpHandler(deps: Deps, route: HttpHandler, options: RouteOptions = {}): HttpHandler {
  return async (event) => {
    try {
      if ((options.auth ?? 'apiKey') === 'apiKey') await authenticate(event, deps);
      return await route(event);
    } catch (error) {
      if (error instanceof HttpError) {
        const body = error.errors.length
          ? { message: error.message, errors: error.errors }
          : { message: error.message };
        return json(error.statusCode, body, error.headers);
      }
      if (error instanceof NotFoundError) return json(404, { message: error.message });
      if (isThrottled(error)) {
        deps.logger.warn('throttled by DynamoDB', { route: event.routeKey });
        return json(
          503,
          { message: 'the table is over its capacity; slow down and retry (every write is idempotent)' },
          { 'retry-after': String(THROTTLED_RETRY_AFTER_SECONDS) },
        );
      }
      deps.logger.error('unhandled error', {
        route: event.routeKey,
        requestId: event.requestContext?.requestId,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      });
      return json(500, { message: 'internal error; the request can be retried safely' });
    }
  };
}

/**
 * Path parameters are ids of at most this many UTF-8 bytes once decoded: an id may end up in a sort key (at most
 * 1,024 bytes in DynamoDB) behind a prefix. An unsubscribe token, which carries two ids, asks for more.
 */
export const MAX_PATH_PARAMETER_BYTES = 1000;

/**
 * A path parameter, percent-decoded. Malformed percent-encoding (`%FF`, `%E0%A4%A`), text that is not well-formed
 * Unicode and values over `maxBytes` are a 400 naming the parameter and the problem, never a 500.
 */
export function pathParameter(
  event: HttpEvent,
  name: string,
  { maxBytes = MAX_PATH_PARAMETER_BYTES }: { maxBytes?: number } = {},
): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new HttpError(400, `path parameter ${name} is missing`);
  const refuse = (message: string) => {
    throw new HttpError(400, `path parameter ${name} ${message}`, [{ path: name, message }]);
  };
  // Checked before decoding as well, so a huge value is refused without work (decoding only shortens it).
  if (value.length > 3 * maxBytes) refuse(tooLong(utf8Length(value), maxBytes));
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    refuse(
      'is not valid percent-encoding: each "%" must start a %XX escape, and the escapes must spell UTF-8 text',
    );
  }
  const bytes = utf8Length(decoded);
  if (bytes > maxBytes) refuse(tooLong(bytes, maxBytes));
  if (!isWellFormed(decoded)) refuse(illFormedMessage(decoded));
  return decoded;
}

const tooLong = (bytes: number, maxBytes: number) =>
  `is ${bytes} bytes long; the limit is ${maxBytes} bytes in UTF-8`;

/**
 * The query string against its schema (a strict object of the parameters a route reads): an unknown parameter or a
 * bad value is a 400 naming the parameter and why.
 */
export function parseQuery<T>(event: HttpEvent, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.flatMap((issue): FieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'is not a parameter of this route' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
  const named = errors.map((e) => `${e.path || 'query'} ${e.message}`).join('; ');
  throw new HttpError(400, `query string refused: ${named}`, errors);
}
