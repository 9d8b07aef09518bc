import { describe, expect, it } from 'vitest';
import { type StreamSchema, validateObject } from '../../../src/schema/jsonSchema.js';

/** A hand-written schema using every keyword the generator emits. */
const schema: StreamSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Widget',
  type: 'object',
  'x-stream': 'widgets',
  'x-stripe-object': 'widget',
  additionalProperties: false,
  required: ['amount', 'created', 'customer', 'id', 'object', 'status'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', const: 'widget' },
    amount: { type: 'integer' },
    rate: { type: ['number', 'null'] },
    created: { type: 'integer', format: 'unix-time' },
    status: { type: 'string', enum: ['active', 'inactive'] },
    mode: { type: ['string', 'null'], enum: ['a', 'b', null], 'x-open-enum': true },
    unit_amount_decimal: { type: ['string', 'null'], format: 'decimal' },
    customer: { type: ['string', 'null'], 'x-expandable': ['customer'] },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' } },
    discount: { type: ['object', 'null'], 'x-stripe-object': 'discount' },
    source: { type: ['object', 'null'], 'x-one-of-objects': ['bank_account', 'card'] },
    refunds: { type: 'object', 'x-list-of': 'refund' },
    settings: {
      type: 'object',
      required: ['footer'],
      properties: {
        footer: { type: ['string', 'null'] },
        period: { type: 'object', properties: { end: { type: 'integer', format: 'unix-time' } } },
      },
    },
    deleted: { type: 'boolean', const: true, 'x-deleted-marker': true },
  },
};

const valid = {
  id: 'wid_1',
  object: 'widget',
  amount: 100,
  rate: 1.25,
  created: 1_700_000_000,
  status: 'active',
  mode: null,
  unit_amount_decimal: '-12.5000',
  customer: 'cus_1',
  metadata: { plan: 'gold' },
  tags: ['a'],
  discount: { object: 'discount', id: 'di_1' },
  source: { object: 'card', id: 'card_1' },
  refunds: { object: 'list', data: [{ object: 'refund', id: 're_1' }], has_more: false, url: '/v1/refunds' },
  settings: { footer: null, period: { end: 1 }, extra_nested: true },
};

const check = (patch: Record<string, unknown>) => validateObject(schema, { ...valid, ...patch });

describe('validateObject', () => {
  it('accepts a conforming object, unknown nested fields and optional fields left out', () => {
    expect(validateObject(schema, valid)).toEqual([]);
  });

  it('reports missing required fields, also nested ones', () => {
    const { amount: _, ...rest } = valid;
    expect(validateObject(schema, { ...rest, settings: {} })).toEqual([
      '$.amount: missing required field',
      '$.settings.footer: missing required field',
    ]);
  });

  it('reports wrong JSON types, null where not nullable, and floats in integer fields', () => {
    expect(check({ amount: '100' })).toEqual(['$.amount: expected integer, got "100"']);
    expect(check({ amount: null })).toEqual(['$.amount: expected integer, got null']);
    expect(check({ amount: 1.5 })).toEqual(['$.amount: expected integer, got 1.5']);
    expect(check({ tags: ['a', 2] })).toEqual(['$.tags[1]: expected string, got 2']);
    expect(check({ metadata: { n: 1 } })).toEqual(['$.metadata.n: expected string, got 1']);
    expect(check({ rate: 2 })).toEqual([]);
  });

  it('reports unknown top-level fields only', () => {
    expect(check({ surprise: 1 })).toEqual(['$.surprise: unknown top-level field']);
  });

  it('reports values outside an enum or const', () => {
    expect(check({ status: 'paused' })).toEqual([
      '$.status: value "paused" not in enum ["active", "inactive"]',
    ]);
    expect(check({ object: 'gadget' })).toEqual(['$.object: expected "widget", got "gadget"']);
    expect(check({ mode: 'c' })).toEqual(['$.mode: value "c" not in enum ["a", "b", null]']);
  });

  it('accepts unknown values of open enums only when asked to', () => {
    const object = { ...valid, mode: 'c', status: 'paused' };
    expect(validateObject(schema, object, { allowUnknownOpenEnumValues: true })).toEqual([
      '$.status: value "paused" not in enum ["active", "inactive"]',
    ]);
  });

  it('requires integer seconds for unix-time', () => {
    expect(check({ created: 1_700_000_000.5 })).toEqual([
      '$.created: unix-time must be integer seconds, got 1700000000.5',
    ]);
    expect(check({ created: '2024-01-01' })).toEqual(['$.created: expected integer, got "2024-01-01"']);
  });

  it.each(['1e5', '.5', '1.', 'abc', '1,5', ''])('rejects decimal string %j', (decimal) => {
    expect(check({ unit_amount_decimal: decimal })).toEqual([
      `$.unit_amount_decimal: decimal string ${JSON.stringify(decimal)} does not match /^-?\\d+(\\.\\d+)?$/`,
    ]);
  });

  it('rejects a decimal sent as a JSON number', () => {
    expect(check({ unit_amount_decimal: 1.5 })).toEqual([
      '$.unit_amount_decimal: expected string|null, got 1.5',
    ]);
  });

  it('accepts an expandable as an id or an expanded target object, nothing else', () => {
    expect(check({ customer: { object: 'customer', id: 'cus_1' } })).toEqual([]);
    expect(check({ customer: null })).toEqual([]);
    expect(check({ customer: { object: 'invoice', id: 'in_1' } })).toEqual([
      '$.customer: expandable reference must be an id string or a customer object, got object "invoice"',
    ]);
    expect(check({ customer: { id: 'cus_1' } })).toEqual([
      '$.customer: expandable reference must be an id string or a customer object, got object without `object`',
    ]);
    expect(check({ customer: 42 })).toEqual([
      '$.customer: expected id string or expanded customer object, got 42',
    ]);
  });

  it('checks the object discriminator of embedded objects, unions and list items', () => {
    expect(check({ discount: { object: 'coupon' } })).toEqual([
      '$.discount: expected a discount object, got object "coupon"',
    ]);
    expect(check({ source: { object: 'source' } })).toEqual([
      '$.source: expected a bank_account|card object, got object "source"',
    ]);
    expect(check({ refunds: { object: 'list', data: [{ object: 'charge' }, 'x'] } })).toEqual([
      '$.refunds.data[0]: expected a refund object, got object "charge"',
      '$.refunds.data[1]: expected a refund object, got "x"',
    ]);
    expect(check({ refunds: { object: 'page' } })).toEqual([
      '$.refunds.object: expected "list", got "page"',
      '$.refunds.data: expected array, got undefined',
    ]);
  });

  it('checks nested levels as far as the schema describes them', () => {
    expect(check({ settings: { footer: null, period: { end: 'soon' } } })).toEqual([
      '$.settings.period.end: expected integer, got "soon"',
    ]);
  });

  it('accepts the deleted marker only as true', () => {
    expect(check({ deleted: true })).toEqual([]);
    expect(check({ deleted: false })).toEqual(['$.deleted: expected true, got false']);
  });

  it('reports a non-object at the top level', () => {
    expect(validateObject(schema, 'cus_1')).toEqual(['$: expected object, got "cus_1"']);
  });
});
