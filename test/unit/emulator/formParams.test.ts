/**
 * Proves `formParams` (the in-process shortcut past the form text) gives exactly what
 * `parseForm(encodeForm(params))` gives, key order included, and hands the unusual cases (which only the
 * real parser can judge, errors included) back to the text.
 */
import { describe, expect, it } from 'vitest';
import { encodeForm, formParams, parseForm } from '../../../src/emulator/formBody.js';

/** The same value with the same key order (toEqual ignores order; the JSON text does not). */
const sameAsWire = (params: Record<string, unknown>) =>
  expect(JSON.stringify(formParams(params))).toBe(JSON.stringify(parseForm(encodeForm(params))));

describe('formParams', () => {
  it('gives what the form text parses to: strings, nested hashes, arrays of hashes', () => {
    const params = {
      customer: 'cus_1',
      amount: 1200,
      confirm: true,
      off_session: false,
      description: 'Storage overage (GB) — usage for the period & more = 100%',
      metadata: { meter: 'm0', plan: 'pro' },
      items: [
        { price: 'price_a', quantity: 2 },
        { price_data: { currency: 'usd', recurring: { interval: 'month' }, unit_amount: 800 } },
      ],
      expand: ['latest_invoice', 'customer'],
    };
    sameAsWire(params);
    expect(formParams(params)).toEqual({
      customer: 'cus_1',
      amount: '1200',
      confirm: 'true',
      off_session: 'false',
      description: 'Storage overage (GB) — usage for the period & more = 100%',
      metadata: { meter: 'm0', plan: 'pro' },
      items: [
        { price: 'price_a', quantity: '2' },
        { price_data: { currency: 'usd', recurring: { interval: 'month' }, unit_amount: '800' } },
      ],
      expand: ['latest_invoice', 'customer'],
    });
  });

  it('drops what encodes to nothing and keeps null as the empty string, like the wire', () => {
    const params = {
      a: undefined,
      b: null,
      c: {},
      d: [],
      e: [undefined, 'x', {}, null],
      f: { g: { h: {} } },
      i: new Date(0),
    };
    sameAsWire(params);
    expect(formParams(params)).toEqual({ b: '', e: ['x', ''] });
  });

  it('turns a hash whose keys are all numbers into an array, in index order, like the parser', () => {
    const params = { tiers: { '2': 'c', '0': 'a', '10': 'k' }, mixed: { '1': 'one', name: 'n' } };
    sameAsWire(params);
    expect(formParams(params)).toEqual({ tiers: ['a', 'c', 'k'], mixed: { '1': 'one', name: 'n' } });
  });

  it('leaves to the real parser what only it decides: brackets, forbidden names, odd numbers, depth', () => {
    const unusual: Record<string, unknown>[] = [
      { 'a[b]': 'x' },
      { metadata: { 'x]': 'y' } },
      { '': 'x' },
      { metadata: JSON.parse('{"__proto__": "x"}') },
      { constructor: 'x' },
      { list: { '01': 'a' } },
      { deep: { a: { b: { c: { d: { e: { f: { g: { h: 'x' } } } } } } } } },
      { lone: '\uD800' },
      { many: Array.from({ length: 10_001 }, (_, i) => i) },
    ];
    for (const params of unusual) expect(formParams(params)).toBeUndefined();
  });

  it('agrees with the wire on every value the seed sends in a month of renewals', () => {
    sameAsWire({
      customer: 'cus_Q1',
      subscription: 'sub_1',
      amount: 4500,
      currency: 'jpy',
      description: 'SMS messages — usage for the period',
      metadata: { meter: 'm3' },
    });
    sameAsWire({ items: [{ id: 'si_1', quantity: 7 }], proration_behavior: 'create_prorations' });
    sameAsWire({ cancellation_details: { feedback: 'too_expensive', comment: 'Cancelled from the portal' } });
  });
});
