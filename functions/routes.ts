import type { ApiKeyScope } from '#store/api-key-store';
/**
 * The HTTP API's routes and which function serves each: CDK builds API Gateway from this list and the local
 * server routes with it, so the two cannot drift apart.
 */
export const FUNCTIONS = {
  accounts: { entry: 'functions/accounts/handler.ts', description: 'Upserts and reads accounts' },
  signals: { entry: 'functions/signals/handler.ts', description: 'Ingests health signals exactly once' },
  portfolio: {
    entry: 'functions/portfolio/handler.ts',
    description:
      'Health by segment, stack-rank, automation, the renewal desk, retention, account and risk lists; the CSM renewal call',
  },
  risks: {
    entry: 'functions/risks/handler.ts',
    description:
      'Acknowledges, resolves and sets root causes of risks; health issues; reads account timelines',
  },
  messaging: {
    entry: 'functions/messaging/handler.ts',
    description: 'In-app messages per contact; sent and not-sent nudges per account',
  },
  unsubscribe: { entry: 'functions/unsubscribe/handler.ts', description: 'One-click unsubscribe' },
  webhooks: {
    entry: 'functions/webhooks/handler.ts',
    description: 'Vendor webhooks: Segment, Stripe, Zendesk, surveys',
  },
} as const;

export type ApiFunctionName = keyof typeof FUNCTIONS;

export interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  fn: ApiFunctionName;
  /** `apiKey` (default); `signature` where the request proves itself (an HMAC-signed unsubscribe link). */
  auth?: 'apiKey' | 'signature';
  /** The API key scope a route needs (store/api-key-store.ts); an admin key may call every route. */
  scope?: Exclude<ApiKeyScope, 'admin'>;
}

export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/accounts', fn: 'accounts', scope: 'ingest' },
  { method: 'GET', path: '/v1/accounts', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/accounts/{id}', fn: 'accounts', scope: 'read' },
  { method: 'GET', path: '/v1/accounts/{id}/history', fn: 'accounts', scope: 'read' },
  { method: 'POST', path: '/v1/signals', fn: 'signals', scope: 'ingest' },
  { method: 'GET', path: '/v1/accounts/{id}/timeline', fn: 'risks', scope: 'read' },
  { method: 'GET', path: '/v1/accounts/{id}/issues', fn: 'risks', scope: 'read' },
  { method: 'POST', path: '/v1/accounts/{id}/issues', fn: 'risks' },
  { method: 'PATCH', path: '/v1/accounts/{id}/issues/{issueId}', fn: 'risks' },
  { method: 'POST', path: '/v1/risks/{id}/ack', fn: 'risks' },
  { method: 'POST', path: '/v1/risks/{id}/resolve', fn: 'risks' },
  { method: 'POST', path: '/v1/risks/{id}/causes', fn: 'risks' },
  { method: 'GET', path: '/v1/portfolio', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/renewals', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/retention', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/risks', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/stack-rank', fn: 'portfolio', scope: 'read' },
  { method: 'GET', path: '/v1/automation', fn: 'portfolio', scope: 'read' },
  { method: 'POST', path: '/v1/renewals/{id}/call', fn: 'portfolio' },
  { method: 'GET', path: '/v1/reviews', fn: 'portfolio', scope: 'read' },
  { method: 'POST', path: '/v1/accounts/{id}/reviews/{reviewId}', fn: 'risks' },
  { method: 'POST', path: '/v1/webhooks/{source}', fn: 'webhooks', auth: 'signature' },
  { method: 'GET', path: '/v1/unsubscribe/{token}', fn: 'unsubscribe', auth: 'signature' },
  { method: 'POST', path: '/v1/unsubscribe/{token}', fn: 'unsubscribe', auth: 'signature' },
  { method: 'GET', path: '/v1/accounts/{id}/contacts/{contactId}/messages', fn: 'messaging', scope: 'read' },
  { method: 'GET', path: '/v1/accounts/{id}/nudges', fn: 'messaging', scope: 'read' },
];

export function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

const SCOPES = new Map<string, ApiKeyScope>(ROUTES.map((route) => [routeKey(route), route.scope ?? 'admin']));

/**
 * The scope a route needs, by its route key: `ingest` to send signals and accounts, `read` for every GET, `admin`
 * for what changes a risk (acknowledge, resolve, root causes) or a health issue, and any route not listed.
 */
export function scopeFor(routeKeyOfRequest: string): ApiKeyScope {
  return SCOPES.get(routeKeyOfRequest) ?? 'admin';
}

/** Matches a concrete path to a route, returning its path parameters (API Gateway's `{name}` syntax). */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) {
      return { route, params: Object.fromEntries(names.map((name, i) => [name, match[i + 1] as string])) };
    }
  }
  return undefined;
}
