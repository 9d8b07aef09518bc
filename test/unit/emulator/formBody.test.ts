/**
 * Proves the emulator reads Stripe's form encoding the way stripe-node and curl write it: bracket
 * notation for nested hashes and arrays (`[]` and `[0]`), percent-encoding and `+` for spaces, and that
 * prototype-polluting names are rejected (as a 400 in Stripe's shape when sent to the API).
 */
import { describe, expect, it } from 'vitest';
import { encodeForm, FormParseError, parseForm } from '../../../src/emulator/formBody.js';
import { send, widgetEmulator } from '../../support/emulatorWidgets.js';

describe('parseForm', () => {
  it('nests bracketed keys into hashes', () => {
    expect(parseForm('metadata[plan]=pro&metadata[tier]=gold&created[gte]=1700000000')).toEqual({
      metadata: { plan: 'pro', tier: 'gold' },
      created: { gte: '1700000000' },
    });
  });

  it('builds arrays from [] appends, in order', () => {
    expect(parseForm('expand[]=customer&expand[]=data.invoice')).toEqual({
      expand: ['customer', 'data.invoice'],
    });
  });

  it('builds arrays of hashes from [0] indices, ordered by index not by appearance', () => {
    const p = parseForm('items[1][price]=price_b&items[0][price]=price_a&items[0][quantity]=2');
    expect(p).toEqual({ items: [{ price: 'price_a', quantity: '2' }, { price: 'price_b' }] });
  });

  it('decodes percent-encoding in names and values, and + as a space', () => {
    // What qs (stripe-node) sends: brackets percent-encoded in the name.
    const p = parseForm('metadata%5Bnote%5D=a+b%2Bc%26d%3De&description=caf%C3%A9');
    expect(p).toEqual({ metadata: { note: 'a b+c&d=e' }, description: 'café' });
  });

  it('keeps an empty value (Stripe uses it to unset a field)', () => {
    expect(parseForm('description=&metadata=')).toEqual({ description: '', metadata: '' });
  });

  it('keeps a hash whose keys are not all indices as a hash', () => {
    expect(parseForm('a[0]=x&a[foo]=y')).toEqual({ a: { '0': 'x', foo: 'y' } });
  });

  it.each([
    '__proto__[polluted]=1',
    'metadata[__proto__][x]=1',
    'a[constructor][prototype][x]=1',
    'prototype=1',
  ])('rejects prototype-polluting name %s', (body) => {
    expect(() => parseForm(body)).toThrow(FormParseError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('rejects malformed percent-encoding and malformed brackets', () => {
    expect(() => parseForm('a=%E0%A4%A')).toThrow(FormParseError);
    expect(() => parseForm('a[b]c=1')).toThrow(FormParseError);
  });

  it('round-trips what encodeForm writes (the seed generator path)', () => {
    const params = {
      metadata: { k: 'v w&x' },
      items: [{ price: 'p1', quantity: 2 }],
      expand: ['a.b'],
      flag: true,
    };
    expect(parseForm(encodeForm(params))).toEqual({
      metadata: { k: 'v w&x' },
      items: [{ price: 'p1', quantity: '2' }],
      expand: ['a.b'],
      flag: 'true',
    });
  });
});

describe('form bodies on the API', () => {
  it('stores nested metadata sent in bracket notation', async () => {
    const emu = widgetEmulator();
    const res = await send(
      emu,
      'POST',
      '/v1/widgets',
      'name=two+words&metadata%5Bplan%5D=pro&metadata[note]=100%25',
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'two words', metadata: { plan: 'pro', note: '100%' } });
  });

  it('answers a polluting body with a 400 in Stripe error shape, and pollutes nothing', async () => {
    const emu = widgetEmulator();
    const res = await send(emu, 'POST', '/v1/widgets', 'metadata[__proto__][admin]=true');
    expect(res.status).toBe(400);
    expect(res.json.error.type).toBe('invalid_request_error');
    expect(res.json.error.message).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('reads list filters from a query string with the same notation', async () => {
    const emu = widgetEmulator();
    await send(emu, 'POST', '/v1/widgets', 'color=blue');
    await send(emu, 'POST', '/v1/widgets', 'color=green');
    const res = await send(emu, 'GET', '/v1/widgets?color=blue&expand%5B%5D=data.gadget');
    expect(res.status).toBe(200);
    expect(res.json.data.map((w: { color: string }) => w.color)).toEqual(['blue']);
  });
});
