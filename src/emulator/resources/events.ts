/**
 * `/v1/events`: list and retrieve only, 30-day retention ("List events, going back up to 30 days"),
 * filters `type` (with `*` wildcards, e.g. `customer.*`), `types[]` (at most 20; not together with
 * `type`), `created` and `delivery_success`. Events are written by the Context on every mutation.
 */
import { invalidRequest } from '../apiError.js';
import type { FormValue } from '../formBody.js';
import type { ResourceDef } from '../resource.js';

export const EVENT_RETENTION_SECONDS = 30 * 86400;

function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (t) => t === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (t) => re.test(t);
}

export const events: ResourceDef = {
  name: 'events',
  object: 'event',
  idPrefix: 'evt',
  path: '/v1/events',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  retentionSeconds: EVENT_RETENTION_SECONDS,
  filterFields: ['type', 'pending_webhooks'],
  permission: 'events',
  validateList(params) {
    if (params.type !== undefined && params.types !== undefined) {
      throw invalidRequest('You may only specify one of these parameters: type, types.', 'types');
    }
  },
  listParams: {
    type: {
      test(value: FormValue) {
        if (typeof value !== 'string') throw invalidRequest('Invalid type', 'type');
        const m = typeMatcher(value);
        return (f) => m(String(f.type));
      },
    },
    types: {
      test(value: FormValue) {
        const list = Array.isArray(value) ? value : [value];
        if (list.length > 20) throw invalidRequest('You may pass at most 20 types.', 'types');
        if (!list.every((v) => typeof v === 'string')) throw invalidRequest('Invalid array', 'types');
        const wanted = new Set(list as string[]);
        return (f) => wanted.has(String(f.type));
      },
    },
    delivery_success: {
      type: 'boolean',
      // Emulated events have no webhook endpoints, so every delivery "succeeded".
      test(value: FormValue) {
        if (value !== 'true' && value !== 'false')
          throw invalidRequest(`Invalid boolean: ${String(value)}`, 'delivery_success');
        return value === 'false' ? () => false : undefined;
      },
    },
  },
};
