import { describe, expect, it } from 'vitest';
import { type FieldSchema, JSON_SCHEMA_DIALECT, loadSchemas } from '../../../src/schema/jsonSchema.js';

/**
 * The contract of the committed schemas, pinned on fields whose shape in the SDK exercises each rule:
 * if the generator's type mapping regresses, these fail with a readable diff (the drift test only says
 * "differs").
 */
describe('generated schemas', async () => {
  const { index, schemas } = await loadSchemas();
  const field = (schema: string, name: string): FieldSchema => {
    const property = schemas.get(schema)?.properties[name];
    if (!property) throw new Error(`${schema}.${name} missing`);
    return property;
  };

  it('index lists every stream with its object, and the deleted stubs', () => {
    expect(index.apiVersion).toBe('2026-10-28.endive');
    expect(Object.keys(index.streams)).toHaveLength(40);
    expect(index.streams).toMatchObject({
      invoice_line_items: 'line_item',
      checkout_session_line_items: 'item',
      early_fraud_warnings: 'radar.early_fraud_warning',
      customer_tax_ids: 'tax_id',
    });
    expect(index.deleted.customers).toBe('deleted_customers');
    expect(Object.keys(index.deleted).sort()).toEqual([
      'coupons',
      'customer_tax_ids',
      'customers',
      'invoice_items',
      'invoices',
      'plans',
      'prices',
      'products',
      'subscription_items',
    ]);
  });

  it('every schema has the envelope keywords and closes its top level', () => {
    for (const [name, schema] of schemas) {
      expect(schema.$schema, name).toBe(JSON_SCHEMA_DIALECT);
      expect(schema.additionalProperties, name).toBe(false);
      expect(schema.properties.object, name).toEqual({ type: 'string', const: schema['x-stripe-object'] });
      if (!schema['x-deleted'])
        expect(index.streams[schema['x-stream']], name).toBe(schema['x-stripe-object']);
    }
    expect(schemas.get('customers')?.title).toBe('Customer');
  });

  it('maps nullability and required from `| null` and `?`', () => {
    const customers = schemas.get('customers')!;
    expect(customers.required).toContain('email');
    expect(customers.required).not.toContain('address');
    expect(field('customers', 'email')).toEqual({ type: ['string', 'null'] });
    expect(field('customers', 'balance')).toEqual({ type: 'integer' });
  });

  it('marks unix times, decimals and floats', () => {
    expect(field('customers', 'created')).toEqual({ type: 'integer', format: 'unix-time' });
    expect(field('payouts', 'arrival_date')).toEqual({ type: 'integer', format: 'unix-time' });
    expect(field('prices', 'unit_amount_decimal')).toEqual({ type: ['string', 'null'], format: 'decimal' });
    expect(field('balance_transactions', 'exchange_rate')).toEqual({ type: ['number', 'null'] });
  });

  it('lists enum values through type aliases, with null and open-ness', () => {
    expect(field('prices', 'billing_scheme')).toEqual({
      type: 'string',
      enum: ['per_unit', 'tiered'],
      'x-open-enum': true,
    });
    expect(field('customers', 'tax_exempt')).toEqual({
      type: ['string', 'null'],
      enum: ['exempt', 'none', 'reverse', null],
      'x-open-enum': true,
    });
  });

  it('describes expandables by their target objects', () => {
    expect(field('charges', 'customer')).toEqual({ type: ['string', 'null'], 'x-expandable': ['customer'] });
    expect(field('customers', 'default_source')['x-expandable']).toEqual([
      'account',
      'bank_account',
      'card',
      'source',
    ]);
    expect(field('invoices', 'discounts')).toEqual({
      type: 'array',
      items: { type: 'string', 'x-expandable': ['discount'] },
    });
  });

  it('describes nested objects, maps and embedded lists', () => {
    expect(field('customers', 'metadata')).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(field('customers', 'invoice_credit_balance')).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
    expect(field('customers', 'invoice_settings').required).toEqual([
      'custom_fields',
      'default_payment_method',
      'footer',
      'rendering_options',
    ]);
    expect(field('invoices', 'lines')).toEqual({ type: 'object', 'x-list-of': 'line_item' });
    expect(field('customers', 'discount')).toEqual({
      type: ['object', 'null'],
      'x-stripe-object': 'discount',
    });
  });

  it('keeps the `deleted?: void` marker as an optional const true', () => {
    expect(field('customers', 'deleted')).toEqual({ type: 'boolean', const: true, 'x-deleted-marker': true });
    expect(schemas.get('customers')!.required).not.toContain('deleted');
    expect(schemas.get('deleted_customers')!.required).toEqual(['deleted', 'id', 'object']);
  });
});
