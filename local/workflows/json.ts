/** JSON as Step Functions passes it between states. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value as it arrives on the other side of a JSON boundary (a Lambda response, an SDK result): what
 * `JSON.stringify` drops is dropped, dates become ISO strings, and binary becomes base64 (as DynamoDB's `B`
 * does in Step Functions). `undefined` becomes `null`, as a Lambda function returning nothing does.
 */
export function toJson(value: unknown): JsonValue {
  const text = JSON.stringify(value, (_key, item: unknown) =>
    item instanceof Uint8Array ? Buffer.from(item).toString('base64') : item,
  );
  if (text === undefined) return null;
  // What JSON.parse makes of a JSON text is JSON: nothing to check or copy again.
  const parsed: JsonValue = JSON.parse(text);
  return parsed;
}

/**
 * A value as it crosses a Lambda boundary, both ways: the runtime sends JSON.stringify's text (binary included, with
 * no base64: that is toJson's, for service integrations) and the other side parses it; the result is a fresh copy.
 */
export function throughJsonText(value: unknown): JsonValue {
  const parsed: JsonValue = JSON.parse(JSON.stringify(value) ?? 'null');
  return parsed;
}

/** A stable text for a JSON value (object keys sorted), for comparing inputs. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
