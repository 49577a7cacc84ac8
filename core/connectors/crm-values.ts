/**
 * Values as CRMs write them, read once for every CRM connector (HubSpot webhooks and exports, Salesforce outbound
 * messages and exports): dates, amounts and currency codes. Each answers undefined for a value it cannot read, so
 * the caller names the field.
 */

const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:$|[T ]\d{2}:\d{2})/;
const UNIX_MS = /^\d{11,15}$/;

/**
 * A calendar date, YYYY-MM-DD, from Unix milliseconds (HubSpot's date and datetime properties in webhooks and the
 * API: the UTC day), from `YYYY-MM-DD` (Salesforce dates, HubSpot exports), or from a date-time starting with one
 * (`2027-01-01 00:00`, `2027-01-01T00:00:00.000Z`: its UTC day when it has a zone, else the day as written).
 */
export function crmDate(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (UNIX_MS.test(text)) return validDay(new Date(Number(text)).toISOString().slice(0, 10));
  const match = ISO_DATE.exec(text);
  if (!match?.[1]) return undefined;
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(text) && text.length > 10) {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
  }
  return validDay(match[1]);
}

function validDay(day: string): string | undefined {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day ? day : undefined;
}

const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

/** A non-negative amount in major units from its text (`12000`, `12000.50`); no thousands separators. */
export function crmAmount(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !DECIMAL.test(text)) return undefined;
  return Number(text);
}

/** An ISO 4217 code, upper case. */
export function crmCurrency(value: string | undefined): string | undefined {
  const text = value?.trim().toUpperCase();
  return text && /^[A-Z]{3}$/.test(text) ? text : undefined;
}

/** The same day `months` months before (the month's last day when it has no such day): a contract's start. */
export function minusMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(d, last));
  return date.toISOString().slice(0, 10);
}
