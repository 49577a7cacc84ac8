import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import type { ChatKind } from '#config/channels-schema';
import { type WebhookUrls, webhookUrlsFromEnv } from './chat-webhooks.ts';

/** One post to a Slack or Teams destination, as the ledger row holds it. */
export interface OutgoingPost {
  kind: ChatKind;
  destination: string;
  payload: Record<string, unknown>;
}

/** Posts one message; returns what the webhook answered, as the ledger's message id. */
export interface ChatPoster {
  post(post: OutgoingPost): Promise<string>;
}

/** A post that did not go, and why (after the retries that were safe). Never retried by the caller. */
export class ChatPostFailed extends Error {
  override name = 'ChatPostFailed';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** What one attempt ended in. */
type Attempt = { ok: true; answer: string } | { ok: false; retry: boolean; reason: string; status?: number };

/**
 * Retried: 429 and 5xx (the webhook answered that it did not take the post) and a connection never made. Not
 * retried: any other 4xx (a bad payload or a removed webhook: the same request fails again) and a timeout or a
 * connection lost mid-request, where the post may have gone: as with mail, the side that never posts twice.
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function byStatus(status: number, statusText: string, body: string): Attempt {
  return {
    ok: false,
    retry: status === 429 || status >= 500,
    status,
    reason: `HTTP ${status}${statusText ? ` ${statusText}` : ''}${body ? `: ${body.slice(0, 200)}` : ''}`,
  };
}

function byRequestError(error: unknown): Attempt {
  const original = error instanceof IncomingWebhookRequestError ? error.original : error;
  const cause = original instanceof Error ? original.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? cause.code
      : undefined;
  const name = original instanceof Error ? original.name : 'Error';
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return {
    ok: false,
    retry: code !== undefined && NEVER_CONNECTED.has(code),
    reason: timedOut
      ? 'no answer in time (not retried: the post may have gone)'
      : `${name}${code ? ` ${code}` : ''}: ${original instanceof Error ? original.message : String(original)}`,
  };
}

export interface WebhookPosterOptions {
  urls: WebhookUrls;
  /** Attempts per post, the first included (default 3). */
  attempts?: number;
  /**
   * Each attempt's time limit (default 5 s): three attempts and their waits stay well inside the executor's 29 s,
   * so a post is always settled, never left `sending` by a timed-out function.
   */
  timeoutMs?: number;
  /** The first retry waits up to this long, each next one twice as long, with full jitter (default 1 s). */
  backoffMs?: number;
  fetchFn?: typeof fetch;
}

/**
 * Posts through the destination's incoming webhook: Slack with Slack's own client (@slack/webhook, its retries
 * off: the policy above decides), Teams as the JSON POST its webhooks take. A destination without a URL fails
 * at once, naming where the URL belongs.
 */
export function webhookPoster(options: WebhookPosterOptions): ChatPoster {
  const attempts = options.attempts ?? 3;
  const timeout = options.timeoutMs ?? 5_000;
  const backoff = options.backoffMs ?? 1000;
  const fetchFn = options.fetchFn ?? fetch;
  const once = async (post: OutgoingPost, url: string): Promise<Attempt> => {
    if (post.kind === 'slack') {
      try {
        const webhook = new IncomingWebhook(url, { timeout, retryConfig: { retries: 0 }, fetch: fetchFn });
        return { ok: true, answer: (await webhook.send(post.payload)).text };
      } catch (error) {
        if (error instanceof IncomingWebhookHTTPError)
          return byStatus(error.statusCode, error.statusMessage, error.body);
        return byRequestError(error);
      }
    }
    try {
      const response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(post.payload),
        redirect: 'error',
        signal: AbortSignal.timeout(timeout),
      });
      const body = await response.text();
      return response.ok ? { ok: true, answer: body } : byStatus(response.status, response.statusText, body);
    } catch (error) {
      return byRequestError(error);
    }
  };
  return {
    async post(post) {
      const url = await options.urls(post.destination);
      if (!url) {
        throw new ChatPostFailed(
          `no webhook URL for ${post.kind} destination ${post.destination}: add it to the chat webhooks secret (docs/channels.md)`,
        );
      }
      let last: Attempt = { ok: false, retry: false, reason: 'not attempted' };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1)
          await new Promise((r) => setTimeout(r, Math.random() * backoff * 2 ** (attempt - 2)));
        last = await once(post, url);
        if (last.ok) return `${post.kind}:${post.destination}:${last.answer.slice(0, 100) || 'accepted'}`;
        if (!last.retry) break;
      }
      const tries = attempts > 1 && last.retry ? ` (after ${attempts} attempts)` : '';
      throw new ChatPostFailed(`${post.kind} ${post.destination}: ${last.reason}${tries}`, last.status);
    },
  };
}

/**
 * The poster a Lambda gets: through the webhooks of the secret CHAT_WEBHOOKS_ARN (the ChurnGuard construct sets it
 * when the config names destinations), or none, when every post is settled failed with that reason.
 */
export function posterFromEnv(env: NodeJS.ProcessEnv = process.env): ChatPoster | undefined {
  const urls = webhookUrlsFromEnv(env);
  return urls ? webhookPoster({ urls }) : undefined;
}
