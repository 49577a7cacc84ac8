import type { Rejection } from '#core/ingest';
import type { HttpEvent } from '#functions/shared/http';

/** An API Gateway HTTP API (payload 2.0) event, as a deployed function receives it. */
export function httpEvent(
  routeKey: string,
  options: { body?: string; headers?: Record<string, string>; pathParameters?: Record<string, string> } = {},
): HttpEvent {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    body: options.body,
    pathParameters: options.pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test-request',
      routeKey,
      stage: '$default',
      time: '01/Jun/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

export interface IngestBody {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

export interface ErrorBody {
  message: string;
  errors?: { path: string; message: string }[];
}

export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
