/**
 * Turning arbitrary metadata keys into safe column names. Stripe allows any key up to 40 characters
 * except `[` and `]` (docs.stripe.com/api/metadata): spaces, capitals, unicode, quotes, semicolons.
 * Names are lower snake case ASCII, so they never need quoting in SQL an analyst types by hand, and they
 * are never spliced into SQL: dialects still quote every identifier.
 */
import { createHash } from 'node:crypto';

/** `"Plan Tier"` → `plan_tier`; `"Größe"` → `grosse`; `"顧客"` → `` (caller falls back to a hash). */
export function snakeCase(key: string): string {
  return key
    .normalize('NFKD')
    .replace(/ß/g, 'ss')
    .replace(/[\u0300-\u036f]/g, '') // combining marks left by NFKD: é → e
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // camelCase → camel_Case
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function shortHash(text: string, length = 6): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}

/**
 * Fit a name into a dialect's identifier limit (bytes; Postgres: 63). Too-long names keep a readable
 * prefix and end with a hash of the full name, so two long names never collide by truncation.
 */
export function fitIdentifier(name: string, maxLength: number): string {
  if (Buffer.byteLength(name, 'utf8') <= maxLength) return name;
  const suffix = `_${shortHash(name, 8)}`;
  return name.slice(0, maxLength - suffix.length).replace(/_+$/, '') + suffix;
}
