/**
 * The JSON Schema subset that `scripts/generate-schemas.ts` emits into `schemas/`, one file per stream,
 * derived from the pinned Stripe SDK's type definitions. Only these keywords are produced, and
 * `validateObject` understands exactly these.
 *
 * Non-standard keywords (all `x-` prefixed, ignored by standard validators):
 * - `x-stripe-object`: the Stripe `object` string of the schema (top level) or of an embedded object.
 * - `x-stream`: the stream (table) name the file belongs to.
 * - `x-deleted`: the file describes the `{id, object, deleted: true}` stub of a deleted object.
 * - `x-expandable`: the field is an expandable reference; the value is the id string, or, when expanded,
 *   an object whose `object` is one of these names. The schema's `type` describes the id form.
 * - `x-one-of-objects`: the field is an embedded object of one of these Stripe objects (a union in the
 *   SDK, e.g. `charge.source`); only its `object` discriminator is checked.
 * - `x-list-of`: the field is an embedded list envelope (`{object: 'list', data, has_more, url}`) of these
 *   objects; a single name when the SDK names one object type, a sorted array for a union.
 * - `x-open-enum`: Stripe may add values to this enum without a new API version (the SDK joins the
 *   literals with `OtherString`); `enum` lists the values this SDK knows.
 * - `x-deleted-marker`: the SDK's `deleted?: void` on a live object: present only on deleted stubs, so
 *   loaders can skip it in favour of the `_deleted` system column.
 * - `format: 'unix-time'`: integer seconds since the Unix epoch; `format: 'decimal'`: a decimal number
 *   carried as a string (`/^-?\d+(\.\d+)?$/`) to keep precision.
 */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export interface FieldSchema {
  type?: JsonType | JsonType[];
  const?: string | boolean;
  enum?: Array<string | null>;
  format?: 'unix-time' | 'decimal';
  properties?: Record<string, FieldSchema>;
  required?: string[];
  /** Map-like objects (`{[key: string]: T}`, `Metadata`): the schema of every value. */
  additionalProperties?: FieldSchema | false;
  items?: FieldSchema;
  'x-stripe-object'?: string;
  'x-expandable'?: string[];
  'x-list-of'?: string | string[];
  'x-one-of-objects'?: string[];
  'x-open-enum'?: true;
  'x-deleted-marker'?: true;
}

/** One `schemas/<name>.json` file. */
export interface StreamSchema extends FieldSchema {
  $schema: typeof JSON_SCHEMA_DIALECT;
  title: string;
  type: 'object';
  'x-stream': string;
  'x-stripe-object': string;
  'x-deleted'?: true;
  properties: Record<string, FieldSchema>;
  required: string[];
  additionalProperties: false;
}

/** `schemas/index.json`. */
export interface SchemaIndex {
  apiVersion: string;
  sdkVersion: string;
  /** stream name → Stripe `object` string; the schema is `<stream>.json`. */
  streams: Record<string, string>;
  /** stream name → schema name (file stem) of its deleted stub, for streams Stripe can delete. */
  deleted: Record<string, string>;
}

/** The JSON types a field admits, as a list. */
export function typesOf(schema: FieldSchema): JsonType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}
