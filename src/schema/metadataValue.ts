/**
 * Typed metadata columns (`sync.metadataTypes`): Stripe metadata values are always strings
 * (docs.stripe.com/metadata: "values … up to 500 characters"), written by people and scripts, so a key
 * configured as a number will sometimes hold "n/a". Such a value becomes NULL in the typed column
 * instead of failing the batch; the original string stays in the `metadata` JSON column, so nothing is
 * lost and a `where metadata_x is null and metadata->>'x' is not null` finds the strays.
 */
import type { ColumnType } from './columnTypes.js';
import type { Value } from './rowBuilder.js';

const INTEGER = /^[+-]?\d+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/** A metadata value for a column of `type`, or null when it does not read as one. */
export function metadataValue(type: ColumnType, raw: unknown): Value {
  if (raw === undefined || raw === null) return null;
  const s = String(raw).trim();
  switch (type) {
    case 'bigint': {
      if (!INTEGER.test(s)) return null;
      const n = Number(s);
      // Beyond 2^53 a JS number would silently change the digits: keep those in the JSON only.
      return Number.isSafeInteger(n) ? n : null;
    }
    case 'double': {
      if (s === '') return null;
      const n = Number(s);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean': {
      const l = s.toLowerCase();
      return TRUE.has(l) ? true : FALSE.has(l) ? false : null;
    }
    case 'timestamp': {
      // Unix seconds (what Stripe itself uses), or an ISO 8601 date/time (UTC when no offset is given).
      if (INTEGER.test(s)) {
        const n = Number(s);
        return Number.isSafeInteger(n) ? n : null;
      }
      if (!ISO_DATE.test(s)) return null;
      const iso = s.replace(' ', 'T');
      const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) || iso.length === 10 ? iso : `${iso}Z`);
      return Number.isFinite(ms) ? ms / 1000 : null;
    }
    case 'text':
      return typeof raw === 'string' ? raw : JSON.stringify(raw);
    default:
      // decimal and json are not offered for metadata (config schema); keep the text.
      return s;
  }
}
