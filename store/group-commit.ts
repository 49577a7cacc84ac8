/**
 * Group commit: writes of the same key that arrive while one is in flight wait for it, then go together as the
 * next write. Concurrent requests in one process (the local API, an import, a queue batch) that touch the same
 * item then pay one write between them instead of one each, and never race each other's conditional writes.
 *
 * Each caller's promise settles with the write that carried its part, which always starts after the caller
 * joined: a caller that joins after its own data is stored is covered by a write made after that data was stored.
 * A failed write rejects every caller it carried and forgets what the key's last write returned. Separate processes (Lambda
 * invocations) do not share groups: there the conditional writes decide as before.
 */
export class GroupCommit<T, R> {
  private readonly waiting = new Map<string, { parts: T[]; settle: Settle[] }>();
  private readonly running = new Set<string>();
  /** What the last write of each recent key returned, oldest first (a Map keeps insertion order). */
  private readonly lastResults = new Map<string, R>();

  /**
   * `write` stores one group of parts of a key; what it returns is handed to the next write of the same key (e.g.
   * the item it wrote, so the next write need not read it again), remembered for the `remember` latest keys.
   */
  constructor(
    private readonly write: (key: string, parts: T[], previous: R | undefined) => Promise<R>,
    private readonly remember = 0,
  ) {}

  submit(key: string, part: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let group = this.waiting.get(key);
      if (!group) {
        group = { parts: [], settle: [] };
        this.waiting.set(key, group);
      }
      group.parts.push(part);
      group.settle.push({ resolve, reject });
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  /** What the last write of `key` returned, while it is remembered and no write of the key is under way. */
  recent(key: string): R | undefined {
    return this.lastResults.get(key);
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    let previous = this.lastResults.get(key);
    this.lastResults.delete(key);
    try {
      for (let group = this.waiting.get(key); group; group = this.waiting.get(key)) {
        this.waiting.delete(key);
        try {
          previous = await this.write(key, group.parts, previous);
          for (const { resolve } of group.settle) resolve();
        } catch (error) {
          previous = undefined;
          for (const { reject } of group.settle) reject(error);
        }
      }
      if (previous !== undefined) this.keep(key, previous);
    } finally {
      this.running.delete(key);
    }
  }

  private keep(key: string, result: R): void {
    if (this.remember === 0) return;
    this.lastResults.set(key, result);
    if (this.lastResults.size > this.remember) {
      const oldest = this.lastResults.keys().next();
      if (!oldest.done) this.lastResults.delete(oldest.value);
    }
  }
}

interface Settle {
  resolve: () => void;
  reject: (error: unknown) => void;
}
