import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ApiTarget {
  url: string;
  key: string;
}

/** --api/--key, else CHURNGUARD_API_URL/CHURNGUARD_API_KEY, else the local stack that `npm start` runs. */
export function resolveApiTarget(options: { api?: string; key?: string }): ApiTarget {
  const url = (
    options.api ??
    process.env.CHURNGUARD_API_URL ??
    `http://127.0.0.1:${process.env.PORT ?? 3000}`
  ).replace(/\/+$/, '');
  const keyFile = join(resolve(process.env.CHURNGUARD_HOME ?? '.churnguard'), 'local-api-key');
  const key =
    options.key ??
    process.env.CHURNGUARD_API_KEY ??
    (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '');
  if (!key) {
    throw new Error(
      `no API key: pass --key, set CHURNGUARD_API_KEY, or start the local stack (npm start) so ${keyFile} exists`,
    );
  }
  return { url, key };
}

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

/**
 * POSTs JSON, retrying throttling, server errors and refused connections with backoff. Every churnguard write is
 * idempotent, so a retry after an unclear failure cannot double anything.
 */
export async function postJson<T>(target: ApiTarget, path: string, body: unknown, attempts = 6): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(8000, 250 * 2 ** attempt)));
    try {
      const response = await fetch(`${target.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as T;
      const message = `${response.status} from ${path}: ${text.slice(0, 500)}`;
      if (!RETRYABLE.has(response.status)) throw new ApiError(response.status, message);
      lastError = new ApiError(response.status, message);
    } catch (error) {
      if (error instanceof ApiError && !RETRYABLE.has(error.status)) throw error;
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
    `could not reach ${target.url}${path} after ${attempts} attempts (${reason}); is the API running?`,
  );
}
