import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelsConfig } from '#config/channels-schema';
import { chatWebhooksFrom, type WebhookUrls } from '#functions/shared/chat-webhooks';
import type { ChatCapture } from './chat-capture.ts';

export const CHAT_WEBHOOKS_FILE = 'chat-webhooks.json';

/**
 * The local stack's Slack and Teams webhook URLs, the local twin of the Secrets Manager secret: the file
 * <home>/chat-webhooks.json (`{ "<destination>": "<webhook URL>" }`, yours to write, mode 0600 advised) where it
 * names a destination; every other configured destination posts to the local capture endpoint. So a fresh
 * `npm start` posts nowhere real, and a URL you put in the file posts to your real channel.
 */
export function localWebhookUrls(
  home: string | undefined,
  channels: ChannelsConfig,
  capture: Pick<ChatCapture, 'webhookUrl'>,
): { urls: WebhookUrls; source: string } {
  const file = home ? join(home, CHAT_WEBHOOKS_FILE) : undefined;
  let fromFile: Record<string, string> = {};
  if (file && existsSync(file)) {
    let map: unknown;
    try {
      map = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not JSON (${String(error)}); it must map destinations to webhook URLs`);
    }
    fromFile = chatWebhooksFrom(map, file, false);
  }
  const map: Record<string, string> = {};
  for (const [name, destination] of Object.entries(channels.destinations)) {
    map[name] = fromFile[name] ?? capture.webhookUrl(destination.kind, name);
  }
  const real = Object.keys(channels.destinations).filter((name) => fromFile[name] !== undefined);
  const source = real.length
    ? `${file}: ${real.join(', ')}; the others post to the capture`
    : `every destination posts to the capture${file ? ` (real URLs go in ${file})` : ''}`;
  return { urls: async (destination) => map[destination], source };
}
