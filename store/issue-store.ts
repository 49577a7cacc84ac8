import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type HealthIssue, issueSchema } from '#core/issues/issue';
import { queryAll } from './batch.ts';
import type { Db } from './client.ts';
import { whenConditionHolds } from './errors.ts';
import { keys } from './keys.ts';
import { parseItem } from './parse-item.ts';

const toIssue = (item: Record<string, unknown>) => parseItem(issueSchema, item, 'health issue');

/** A changed issue whose stored version is no longer the one the change was made over: read again and retry. */
export class IssueChangedError extends Error {
  constructor(issueId: string) {
    super(`issue "${issueId}" changed while it was being updated; read it again`);
    this.name = 'IssueChangedError';
  }
}

/** Stores a new issue; false when its id is taken (a replayed request). */
export function createIssue(db: Db, issue: HealthIssue): Promise<boolean> {
  return whenConditionHolds(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.issue(issue.accountId, issue.issueId), kind: 'issue', ...issue },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Writes a changed issue over the version it was read at (`issue.version - 1`); throws IssueChangedError if not. */
export async function replaceIssue(db: Db, issue: HealthIssue): Promise<void> {
  const written = await whenConditionHolds(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...keys.issue(issue.accountId, issue.issueId), kind: 'issue', ...issue },
        ConditionExpression: 'version = :read',
        ExpressionAttributeValues: { ':read': issue.version - 1 },
      }),
    ),
  );
  if (!written) throw new IssueChangedError(issue.issueId);
}

export async function getIssue(db: Db, accountId: string, issueId: string): Promise<HealthIssue | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: keys.issue(accountId, issueId), ConsistentRead: true }),
  );
  return out.Item ? toIssue(out.Item) : undefined;
}

/** Every issue of the account, oldest first (ids sort by when they were recorded). */
export async function listIssues(db: Db, accountId: string, options: { consistent?: boolean } = {}) {
  const items = await queryAll(db, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.accountPartition(accountId), ':prefix': keys.issuePrefix },
    ...(options.consistent ? { ConsistentRead: true } : {}),
  });
  return items.map(toIssue);
}
