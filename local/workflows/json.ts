/** JSON as Step Functions passes it between states. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether JSON.stringify would meet binary (or a value whose toJSON could make some) inside `value`: only then
 * does toJson need its replacer, which costs a call back into JavaScript for every value of every task's answer.
 */
function mayHoldBinary(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.some(mayHoldBinary);
  if (value instanceof Date) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  for (const item of Object.values(value)) if (mayHoldBinary(item)) return true;
  return false;
}

const binaryAsBase64 = (_key: string, item: unknown) =>
  item instanceof Uint8Array ? Buffer.from(item).toString('base64') : item;

/**
 * The value as it arrives on the other side of a JSON boundary (a Lambda response, an SDK result): what
 * `JSON.stringify` drops is dropped, dates become ISO strings, and binary becomes base64 (as DynamoDB's `B`
 * does in Step Functions). `undefined` becomes `null`, as a Lambda function returning nothing does.
 */
export function toJson(value: unknown): JsonValue {
  const text = mayHoldBinary(value) ? JSON.stringify(value, binaryAsBase64) : JSON.stringify(value);
  if (text === undefined) return null;
  // What JSON.parse makes of a JSON text is JSON: nothing to check or copy again.
  const parsed: JsonValue = JSON.parse(text);
  return parsed;
}

/** A JSON value as a Lambda function receives it: parsed from its text, a copy the function may change freely. */
export function jsonCopy(value: JsonValue): JsonValue {
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
