import { validationError } from './errors.ts';

/**
 * DynamoDB's expression grammar (condition, key condition, filter, update and projection expressions) parsed into
 * a small tree. Attribute name (`#n`) and value (`:v`) placeholders stay placeholders; they are resolved when the
 * tree is evaluated against one request, so a tree is parsed once per distinct expression text.
 */
export type PathSegment = { name: string } | { index: number };
export type Path = PathSegment[];

export type Operand =
  | { kind: 'path'; path: Path }
  | { kind: 'value'; ref: string }
  | { kind: 'size'; path: Path };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[] }
  | { kind: 'function'; name: ConditionFunction; args: Operand[] };

export type ConditionFunction =
  | 'attribute_exists'
  | 'attribute_not_exists'
  | 'attribute_type'
  | 'begins_with'
  | 'contains';

export type SetValue =
  | { kind: 'operand'; operand: Operand }
  | { kind: 'if_not_exists'; path: Path; fallback: SetValue }
  | { kind: 'list_append'; first: SetValue; second: SetValue }
  | { kind: '+' | '-'; left: SetValue; right: SetValue };

export interface Update {
  set: { path: Path; value: SetValue }[];
  remove: Path[];
  add: { path: Path; ref: string }[];
  delete: { path: Path; ref: string }[];
}

/** A parsed expression with the placeholders it uses, for DynamoDB's "unused placeholder" check. */
export interface Parsed<T> {
  tree: T;
  names: Set<string>;
  values: Set<string>;
}

type Token = { type: 'word' | 'name' | 'value' | 'number' | 'punct'; text: string };

const PUNCTUATION = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', '[', ']', '+', '-'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const match =
      /^#[A-Za-z0-9_]+/.exec(rest) ?? /^:[A-Za-z0-9_]+/.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (match) {
      const type = c === '#' ? 'name' : c === ':' ? 'value' : 'word';
      tokens.push({ type, text: match[0] });
      i += match[0].length;
      continue;
    }
    const digits = /^[0-9]+/.exec(rest);
    if (digits) {
      tokens.push({ type: 'number', text: digits[0] });
      i += digits[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (!punct) throw validationError(`Invalid expression: unexpected character "${c}" in "${text}"`);
    tokens.push({ type: 'punct', text: punct });
    i += punct.length;
  }
  return tokens;
}

class Parser {
  private at = 0;
  readonly names = new Set<string>();
  readonly values = new Set<string>();
  private readonly tokens: Token[];

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  private fail(what: string): never {
    const near = this.tokens[this.at]?.text ?? 'end of expression';
    throw validationError(`Invalid expression: ${what} near "${near}" in "${this.text}"`);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'word' && token.text.toUpperCase() === word;
  }

  private isPunct(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail(`expected "${text}"`);
    this.at++;
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  expectEnd(): void {
    if (!this.done()) this.fail('unexpected token');
  }

  path(): Path {
    const path: Path = [this.pathName()];
    for (;;) {
      if (this.isPunct('.')) {
        this.at++;
        path.push(this.pathName());
      } else if (this.isPunct('[')) {
        this.at++;
        const token = this.peek();
        if (token?.type !== 'number') this.fail('expected a list index');
        this.at++;
        path.push({ index: Number(token.text) });
        this.expectPunct(']');
      } else return path;
    }
  }

  private pathName(): { name: string } {
    const token = this.peek();
    if (token?.type === 'name') this.names.add(token.text);
    else if (token?.type !== 'word') this.fail('expected an attribute name');
    this.at++;
    return { name: token.text };
  }

  private valueRef(): string {
    const token = this.peek();
    if (token?.type !== 'value') this.fail('expected an expression attribute value');
    this.at++;
    this.values.add(token.text);
    return token.text;
  }

  operand(): Operand {
    const token = this.peek();
    if (token?.type === 'value') return { kind: 'value', ref: this.valueRef() };
    if (token?.type === 'word' && token.text === 'size' && this.isPunct('(', 1)) {
      this.at += 2;
      const path = this.path();
      this.expectPunct(')');
      return { kind: 'size', path };
    }
    return { kind: 'path', path: this.path() };
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword('OR')) {
      this.at++;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword('AND')) {
      this.at++;
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Condition {
    if (this.isKeyword('NOT')) {
      this.at++;
      return { kind: 'not', operand: this.negation() };
    }
    return this.predicate();
  }

  private predicate(): Condition {
    if (this.isPunct('(')) {
      this.at++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const token = this.peek();
    const fn = token?.text as ConditionFunction;
    if (
      token?.type === 'word' &&
      this.isPunct('(', 1) &&
      ['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains'].includes(fn)
    ) {
      this.at += 2;
      const args = [this.operand()];
      while (this.isPunct(',')) {
        this.at++;
        args.push(this.operand());
      }
      this.expectPunct(')');
      return { kind: 'function', name: fn, args };
    }
    const operand = this.operand();
    if (this.isKeyword('BETWEEN')) {
      this.at++;
      const low = this.operand();
      if (!this.isKeyword('AND')) this.fail('expected AND in BETWEEN');
      this.at++;
      return { kind: 'between', operand, low, high: this.operand() };
    }
    if (this.isKeyword('IN')) {
      this.at++;
      this.expectPunct('(');
      const list = [this.operand()];
      while (this.isPunct(',')) {
        this.at++;
        list.push(this.operand());
      }
      this.expectPunct(')');
      return { kind: 'in', operand, list };
    }
    const op = this.peek();
    if (op?.type !== 'punct' || !['=', '<>', '<', '<=', '>', '>='].includes(op.text))
      this.fail('expected a comparator');
    this.at++;
    return { kind: 'compare', op: op.text as Comparator, left: operand, right: this.operand() };
  }

  private setTerm(): SetValue {
    const token = this.peek();
    if (token?.type === 'word' && this.isPunct('(', 1)) {
      if (token.text === 'if_not_exists') {
        this.at += 2;
        const path = this.path();
        this.expectPunct(',');
        const fallback = this.setTerm();
        this.expectPunct(')');
        return { kind: 'if_not_exists', path, fallback };
      }
      if (token.text === 'list_append') {
        this.at += 2;
        const first = this.setTerm();
        this.expectPunct(',');
        const second = this.setTerm();
        this.expectPunct(')');
        return { kind: 'list_append', first, second };
      }
    }
    return { kind: 'operand', operand: this.operand() };
  }

  private setValue(): SetValue {
    const left = this.setTerm();
    if (this.isPunct('+') || this.isPunct('-')) {
      const op = (this.peek() as Token).text as '+' | '-';
      this.at++;
      return { kind: op, left, right: this.setTerm() };
    }
    return left;
  }

  update(): Update {
    const update: Update = { set: [], remove: [], add: [], delete: [] };
    const seen = new Set<string>();
    while (!this.done()) {
      const clause = this.peek()?.type === 'word' ? (this.peek() as Token).text.toUpperCase() : '';
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(clause))
        this.fail('expected SET, REMOVE, ADD or DELETE');
      if (seen.has(clause)) this.fail(`the ${clause} section can only be used once in an update expression`);
      seen.add(clause);
      this.at++;
      for (let first = true; first || this.isPunct(','); first = false) {
        if (!first) this.at++;
        const path = this.path();
        if (clause === 'SET') {
          this.expectPunct('=');
          update.set.push({ path, value: this.setValue() });
        } else if (clause === 'REMOVE') update.remove.push(path);
        else if (clause === 'ADD') update.add.push({ path, ref: this.valueRef() });
        else update.delete.push({ path, ref: this.valueRef() });
      }
    }
    return update;
  }

  projection(): Path[] {
    const paths = [this.path()];
    while (this.isPunct(',')) {
      this.at++;
      paths.push(this.path());
    }
    return paths;
  }
}

/** Every document path a condition reads (for DynamoDB's "no key attributes in a filter" rule). */
export function conditionPaths(condition: Condition): Path[] {
  const paths: Path[] = [];
  const operand = (o: Operand) => {
    if (o.kind !== 'value') paths.push(o.path);
  };
  const walk = (c: Condition): void => {
    if (c.kind === 'and' || c.kind === 'or') {
      walk(c.left);
      walk(c.right);
    } else if (c.kind === 'not') walk(c.operand);
    else if (c.kind === 'compare') [c.left, c.right].forEach(operand);
    else if (c.kind === 'between') [c.operand, c.low, c.high].forEach(operand);
    else if (c.kind === 'in') [c.operand, ...c.list].forEach(operand);
    else if (c.kind === 'function') c.args.forEach(operand);
  };
  walk(condition);
  return paths;
}

const cache = new Map<string, Parsed<unknown>>();

function cached<T>(kind: string, text: string, parse: (parser: Parser) => T): Parsed<T> {
  const key = `${kind}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit as Parsed<T>;
  const parser = new Parser(text);
  if (parser.done()) throw validationError(`Invalid ${kind}: the expression can not be empty`);
  const tree = parse(parser);
  parser.expectEnd();
  const parsed = { tree, names: parser.names, values: parser.values };
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

export const parseCondition = (text: string) => cached('ConditionExpression', text, (p) => p.condition());
export const parseUpdate = (text: string) => cached('UpdateExpression', text, (p) => p.update());
export const parseProjection = (text: string) => cached('ProjectionExpression', text, (p) => p.projection());
