import { validationError } from './errors.ts';
import { type PlannedWrite, planDelete, planUpdate } from './operations.ts';
import { type ParsedExpressions, parsedTogether, storedValue } from './requests.ts';
import type { MemoryTable } from './table.ts';
import type { Item } from './values.ts';

/**
 * PartiQL `UPDATE` and `DELETE` for the in-memory store: the forms store/partiql.ts emits,
 * `UPDATE "<table>" SET "a" = ?, ... [REMOVE "b", ...] WHERE "pk" = ? AND "sk" = ? [AND <condition>]` and
 * `DELETE FROM "<table>" WHERE "pk" = ? AND "sk" = ? [AND <condition>]`, translated to the UpdateItem or DeleteItem
 * they mean (names and `?` become placeholders) and planned as one. As in DynamoDB, an UPDATE never creates an
 * item: the translation adds `attribute_exists(pk)` to its condition, so an absent item answers
 * ConditionalCheckFailed; a DELETE of an absent item deletes nothing and is answered as done, whatever its condition
 * (as DynamoDB Local answers it).
 * The condition may use comparisons, AND/OR/NOT, parentheses and the functions of condition expressions.
 */

type Token = { kind: 'name'; text: string } | { kind: 'param' } | { kind: 'word' | 'symbol'; text: string };

const TOKEN = /\s*(?:"([^"]+)"|(\?)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|[=<>(),]))/y;
const KEYWORDS = new Set(['SET', 'REMOVE', 'WHERE', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const FUNCTIONS = new Set(['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains', 'size']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const end = text.trimEnd().length;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < end) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw validationError(`Statement wasn't well formed, can't be processed: near ${at}`);
    const [, quoted, param, word, symbol] = match;
    if (quoted !== undefined) tokens.push({ kind: 'name', text: quoted });
    else if (param !== undefined) tokens.push({ kind: 'param' });
    else if (word !== undefined)
      tokens.push(
        KEYWORDS.has(word.toUpperCase())
          ? { kind: 'word', text: word.toUpperCase() }
          : FUNCTIONS.has(word)
            ? { kind: 'word', text: word }
            : { kind: 'name', text: word },
      );
    else tokens.push({ kind: 'symbol', text: symbol as string });
  }
  return tokens;
}

const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.text === word;

/** Conjuncts of the WHERE clause at the top level (AND outside parentheses). */
function conjuncts(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'symbol' && token.text === '(') depth++;
    if (token.kind === 'symbol' && token.text === ')') depth--;
    if (depth === 0 && isWord(token, 'AND')) parts.push([]);
    else parts.at(-1)?.push(token);
  }
  return parts;
}

export interface PartiqlUpdate {
  tableName: string;
  plan: (table: MemoryTable) => PlannedWrite;
}

/** A statement-level error, answered in that statement's Error as DynamoDB does (the others still run). */
export class StatementError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether a statement is an UPDATE or a DELETE (this module's), rather than an INSERT. */
export function isUpdateStatement(statement: unknown): boolean {
  if (typeof statement !== 'string') return false;
  return translations.has(statement) || /^\s*(?:UPDATE|DELETE)\s/i.test(statement);
}

/**
 * What an UPDATE statement means, whatever its parameters' values: its UpdateItem's expressions (parsed) and names,
 * and where its parameters go (`:p<i>` is parameter i, `refs[i]`; the key's are `keyAt`).
 */
interface Translation {
  tableName: string;
  /** The UpdateExpression; empty for a DELETE. */
  update: string;
  condition: string;
  names: Readonly<Record<string, string>>;
  keyAt: { pk: number; sk: number };
  parameterCount: number;
  refs: readonly (string | undefined)[];
  parsed: ParsedExpressions;
}

/**
 * Statements repeat by the thousand with other parameters (store/partiql.ts builds a few shapes), so each text is
 * translated once. Only a statement that translated cleanly is kept: its parameters can then only be of the wrong
 * number, which answers as the first translation would have. Bounded against a caller that inlines values.
 */
const translations = new Map<string, Translation>();
const TRANSLATIONS_KEPT = 10_000;

/** The UpdateItem an UPDATE statement means, with its parameters; a ValidationException for anything else. */
export function parsePartiqlUpdate(statement: string, parameters: readonly unknown[] = []): PartiqlUpdate {
  let translation = translations.get(statement);
  if (!translation) {
    translation = translate(statement, parameters);
    if (translations.size >= TRANSLATIONS_KEPT) translations.clear();
    translations.set(statement, translation);
  } else if (parameters.length !== translation.parameterCount)
    throw validationError("Number of parameters in request and statement don't match.");
  const { tableName, update, names, keyAt, refs, parsed } = translation;
  const key = { pk: parameters[keyAt.pk], sk: parameters[keyAt.sk] };
  // The translation uses every name and parameter it made, so only the values are left to check and store.
  const values: Item = {};
  for (let i = 0; i < parameters.length; i++) {
    const ref = refs[i];
    if (ref !== undefined) values[ref] = storedValue(ref, parameters[i]);
  }
  const prepared = { ...parsed, scope: { names, values } };
  return {
    tableName,
    plan: (table) =>
      update ? planUpdate(table, { Key: key }, prepared) : planDelete(table, { Key: key }, prepared),
  };
}

/** A statement's translation, checked against its first parameters (their number) as DynamoDB checks them. */
function translate(statement: string, parameters: readonly unknown[]): Translation {
  const head =
    /^\s*UPDATE\s+"([^"]+)"\s+(.*)$/is.exec(statement) ??
    /^\s*DELETE\s+FROM\s+"([^"]+)"\s+(WHERE\s.*)$/is.exec(statement);
  if (!head)
    throw validationError(
      `the in-memory store only runs UPDATE "<table>" ... and DELETE FROM "<table>" WHERE ... statements: ${statement}`,
    );
  const deleting = /^\s*DELETE\s/i.test(statement);
  const tokens = tokenize(head[2] as string);
  const names: Record<string, string> = {};
  let nextParam = 0;
  const nameRef = (name: string) => {
    const ref = `#n${Object.keys(names).length}`;
    names[ref] = name;
    return ref;
  };
  const paramRef = () => {
    if (nextParam >= parameters.length)
      throw validationError("Number of parameters in request and statement don't match.");
    return `:p${nextParam++}`;
  };
  const sets: string[] = [];
  const removes: string[] = [];
  let at = 0;
  let clause: 'SET' | 'REMOVE' | undefined;
  for (; at < tokens.length && !isWord(tokens[at], 'WHERE'); at++) {
    const token = tokens[at] as Token;
    if (isWord(token, 'SET')) clause = 'SET';
    else if (isWord(token, 'REMOVE')) clause = 'REMOVE';
    else if (token.kind === 'symbol' && token.text === ',') continue;
    else if (token.kind === 'name' && clause === 'SET') {
      const [equals, value] = [tokens[at + 1], tokens[at + 2]];
      if (equals?.kind !== 'symbol' || equals.text !== '=' || value?.kind !== 'param')
        throw validationError(`the in-memory store only runs SET "<name>" = ?: ${statement}`);
      sets.push(`${nameRef(token.text)} = ${paramRef()}`);
      at += 2;
    } else if (token.kind === 'name' && clause === 'REMOVE') removes.push(nameRef(token.text));
    else throw validationError(`Statement wasn't well formed, can't be processed: ${statement}`);
  }
  if (!deleting && sets.length === 0 && removes.length === 0)
    throw validationError(`Statement wasn't well formed, can't be processed: ${statement}`);
  const keyAt: Partial<Record<'pk' | 'sk', number>> = {};
  const conditions: string[] = [];
  for (const part of conjuncts(tokens.slice(at + 1))) {
    const [first, equals, value] = part;
    if (
      part.length === 3 &&
      first?.kind === 'name' &&
      (first.text === 'pk' || first.text === 'sk') &&
      equals?.kind === 'symbol' &&
      equals.text === '=' &&
      value?.kind === 'param' &&
      !(first.text in keyAt)
    ) {
      keyAt[first.text] = nextParam++;
      continue;
    }
    conditions.push(
      part
        .map((token) =>
          token.kind === 'name' ? nameRef(token.text) : token.kind === 'param' ? paramRef() : token.text,
        )
        .join(' '),
    );
  }
  if (keyAt.pk === undefined || keyAt.sk === undefined)
    throw new StatementError(
      'ValidationError',
      'Where clause does not contain a mandatory equality on all key attributes',
    );
  if (nextParam !== parameters.length)
    throw validationError("Number of parameters in request and statement don't match.");
  const update = `${sets.length ? `SET ${sets.join(', ')}` : ''}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
  const own = conditions.map((c) => `(${c})`).join(' AND ');
  const condition = deleting
    ? own && `attribute_not_exists(pk) OR (${own})`
    : ['attribute_exists(pk)', ...(own ? [own] : [])].join(' AND ');
  const refs = Array.from({ length: nextParam }, (_, i) =>
    i === keyAt.pk || i === keyAt.sk ? undefined : `:p${i}`,
  );
  const expressions = { update: update.trim() || undefined, condition: condition || undefined };
  return {
    tableName: head[1] as string,
    update: update.trim(),
    condition,
    names: Object.freeze(names),
    keyAt: { pk: keyAt.pk, sk: keyAt.sk },
    parameterCount: nextParam,
    refs,
    parsed: parsedTogether(expressions).parsed,
  };
}
