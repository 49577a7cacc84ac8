import { describePost } from '#core/channels/describe';
import { type CapturedPost, captureStoreSchema } from '#local/chat-capture';
import { localHome, runningStack } from '#local/home';

/**
 * `churnguard posts`: the Slack and Teams posts the local stack's capture holds (local/chat-capture.ts), oldest
 * first: when, where, the title, the account link. Read from the capture's `/store` at the address the running
 * stack wrote to its stack.json.
 */
export class PostsUnavailable extends Error {
  override name = 'PostsUnavailable';
}

export async function fetchPosts(home = localHome(), fetchFn: typeof fetch = fetch): Promise<CapturedPost[]> {
  const stack = runningStack(home);
  if (!stack?.chatUrl) {
    throw new PostsUnavailable(
      `no local stack with a Slack and Teams capture is running from ${home}; start one with npm start (or set CHURNGUARD_HOME)`,
    );
  }
  const response = await fetchFn(`${stack.chatUrl}/store`).catch((error: unknown) => {
    throw new PostsUnavailable(`the capture at ${stack.chatUrl} did not answer: ${String(error)}`);
  });
  if (!response.ok) throw new PostsUnavailable(`the capture at ${stack.chatUrl} answered ${response.status}`);
  return captureStoreSchema.parse(await response.json()).posts;
}

export function renderPosts(posts: readonly CapturedPost[]): string {
  if (posts.length === 0) return 'No Slack or Teams posts yet.\n';
  return `${posts
    .map((post) => {
      const { title, link } = describePost(post);
      return `${post.at}  ${post.kind} ${post.destination}\n  ${title}${link ? `\n  ${link}` : ''}`;
    })
    .join('\n')}\n`;
}
