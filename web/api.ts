/**
 * The page reads the same /v1 API as every other reader (DESIGN decision 11). The key is asked for once and kept
 * in sessionStorage (gone when the tab closes), and sent as the API's own `Authorization: Bearer` header: never in
 * a URL, where it would land in history and access logs.
 */
const KEY_NAME = 'churnguard.apiKey';

export const storedKey = () => sessionStorage.getItem(KEY_NAME);
export const storeKey = (key: string) => sessionStorage.setItem(KEY_NAME, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_NAME);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A report (`churnguard report`) carries the API's answers in the file itself, keyed by path: it is read offline,
 * never calls an API, and cannot change anything.
 */
const reportData: Record<string, unknown> | null = (() => {
  const element = document.getElementById('report-data');
  return element?.textContent ? (JSON.parse(element.textContent) as Record<string, unknown>) : null;
})();

export const isReport = reportData !== null;

/** Whether a path can be read: always from the API; from a report, only what it holds (one of a simulate result has no account pages). */
export const canRead = (path: string) => reportData === null || path in reportData;

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  if (reportData) {
    if (method !== 'GET') throw new ApiError(405, 'a report is read-only');
    if (!(path in reportData)) throw new ApiError(404, `${path} is not in this report`);
    return reportData[path] as T;
  }
  const response = await fetch(`/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${storedKey() ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json();
  if (!response.ok) {
    const message =
      typeof answer === 'object' && answer !== null && 'message' in answer ? String(answer.message) : '';
    throw new ApiError(response.status, message || `${method} ${path} answered ${response.status}`);
  }
  return answer as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, body);
