import { describe, expect, it } from 'vitest';
import { customer, setup } from './helpers.js';

describe('products', () => {
  it('creates with a default price, updates `updated`, filters, and refuses to delete while prices exist', async () => {
    const { emu, api } = setup();
    const p = await api.post('/v1/products', {
      name: 'Pro',
      default_price_data: { currency: 'usd', unit_amount: 1500, recurring: { interval: 'month' } },
    });
    expect(p.id).toMatch(/^prod_[A-Za-z0-9]{14}$/);
    const price = await api.get(`/v1/prices/${p.default_price}`);
    expect(price).toMatchObject({ product: p.id, unit_amount: 1500, type: 'recurring', active: true });
    expect(await api.eventTypes()).toEqual(['product.created', 'price.created', 'plan.created']);
    emu.clock.advance(60);
    const up = await api.post(`/v1/products/${p.id}`, { description: 'Everything', shippable: 'true' });
    expect(up.updated).toBe(p.updated + 60);
    const e = (await api.events('product.updated'))[0]!;
    expect(e.data.previous_attributes).toEqual({ description: null, shippable: null, updated: p.updated });
    const custom = await api.post('/v1/products', {
      id: 'prod_custom',
      name: 'Custom',
      active: 'false',
      url: 'https://x.example',
    });
    expect(await api.ids('/v1/products', { active: 'false' })).toEqual([custom.id]);
    expect(await api.ids('/v1/products', { ids: [custom.id, p.id] })).toEqual([custom.id, p.id]);
    expect(await api.ids('/v1/products', { shippable: 'true' })).toEqual([p.id]);
    expect(await api.ids('/v1/products', { url: 'https://x.example' })).toEqual([custom.id]);
    expect((await api.fails('POST', '/v1/products', { id: 'prod_custom', name: 'Again' })).error.code).toBe(
      'resource_already_exists',
    );
    expect((await api.fails('DELETE', `/v1/products/${p.id}`)).status).toBe(400);
    expect(await api.del(`/v1/products/${custom.id}`)).toEqual({
      id: custom.id,
      object: 'product',
      deleted: true,
    });
    expect(await api.eventTypes('product.deleted')).toEqual(['product.deleted']);
  });
});

describe('prices', () => {
  it('lists active prices only unless `active` is given, and never inline prices', async () => {
    const { api } = setup();
    const p = await api.post('/v1/products', { name: 'P' });
    const a = await api.post('/v1/prices', { product: p.id, currency: 'usd', unit_amount: 100 });
    const b = await api.post('/v1/prices', { product: p.id, currency: 'usd', unit_amount: 200 });
    await api.post(`/v1/prices/${b.id}`, { active: 'false' });
    const c = await customer(api);
    // An inline price from price_data: retrievable, inactive, never listed.
    const ii = await api.post('/v1/invoiceitems', {
      customer: c.id,
      price_data: { currency: 'usd', product: p.id, unit_amount: 999 },
    });
    const inlineId = ii.pricing.price_details.price as string;
    expect(await api.get(`/v1/prices/${inlineId}`)).toMatchObject({ active: false, unit_amount: 999 });
    expect(await api.ids('/v1/prices')).toEqual([a.id]);
    expect(await api.ids('/v1/prices', { active: 'false' })).toEqual([b.id]);
    expect(await api.ids('/v1/prices', { active: 'true' })).toEqual([a.id]);
    expect((await api.get(`/v1/prices/${inlineId}`))._inline).toBeUndefined();
  });

  it('filters by product, currency, type, recurring and lookup_keys; moves lookup keys only on transfer', async () => {
    const { api } = setup();
    const p = await api.post('/v1/products', { name: 'P' });
    const m = await api.post('/v1/prices', {
      product: p.id,
      currency: 'usd',
      unit_amount: 100,
      recurring: { interval: 'month' },
      lookup_key: 'pro_monthly',
    });
    const y = await api.post('/v1/prices', {
      product: p.id,
      currency: 'eur',
      unit_amount: 1000,
      recurring: { interval: 'year' },
    });
    const once = await api.post('/v1/prices', {
      product_data: { name: 'Setup' },
      currency: 'usd',
      unit_amount: 5000,
    });
    expect(await api.ids('/v1/prices', { product: p.id })).toEqual([y.id, m.id]);
    expect(await api.ids('/v1/prices', { currency: 'eur' })).toEqual([y.id]);
    expect(await api.ids('/v1/prices', { type: 'one_time' })).toEqual([once.id]);
    expect(await api.ids('/v1/prices', { recurring: { interval: 'month' } })).toEqual([m.id]);
    expect(await api.ids('/v1/prices', { lookup_keys: ['pro_monthly', 'nope'] })).toEqual([m.id]);
    const clash = await api.fails('POST', '/v1/prices', {
      product: p.id,
      currency: 'usd',
      unit_amount: 1,
      lookup_key: 'pro_monthly',
    });
    expect(clash.error.param).toBe('lookup_key');
    const moved = await api.post('/v1/prices', {
      product: p.id,
      currency: 'usd',
      unit_amount: 2,
      lookup_key: 'pro_monthly',
      transfer_lookup_key: 'true',
    });
    expect(await api.ids('/v1/prices', { lookup_keys: ['pro_monthly'] })).toEqual([moved.id]);
    expect((await api.get(`/v1/prices/${m.id}`)).lookup_key).toBeNull();
    expect((await api.fails('GET', '/v1/prices', { status: 'x' })).error.code).toBe('parameter_unknown');
  });

  it('prices tiers (includable), decimals and transform_quantity', async () => {
    const { api } = setup();
    const p = await api.post('/v1/products', { name: 'Seats' });
    const graduated = await api.post('/v1/prices', {
      product: p.id,
      currency: 'usd',
      billing_scheme: 'tiered',
      tiers_mode: 'graduated',
      recurring: { interval: 'month' },
      tiers: [
        { up_to: 5, unit_amount: 1000 },
        { up_to: 'inf', unit_amount: 800, flat_amount: 100 },
      ],
    });
    expect(graduated.tiers).toBeUndefined();
    const withTiers = await api.get(`/v1/prices/${graduated.id}`, { expand: ['tiers'] });
    expect(withTiers.tiers).toEqual([
      {
        flat_amount: null,
        flat_amount_decimal: null,
        unit_amount: 1000,
        unit_amount_decimal: '1000',
        up_to: 5,
      },
      {
        flat_amount: 100,
        flat_amount_decimal: '100',
        unit_amount: 800,
        unit_amount_decimal: '800',
        up_to: null,
      },
    ]);
    const listed = await api.get('/v1/prices', { expand: ['data.tiers'], product: p.id });
    expect(listed.data[0].tiers).toHaveLength(2);
    const dec = await api.post('/v1/prices', { product: p.id, currency: 'usd', unit_amount_decimal: '12.5' });
    expect(dec).toMatchObject({ unit_amount: null, unit_amount_decimal: '12.5' });
    const packs = await api.post('/v1/prices', {
      product: p.id,
      currency: 'usd',
      unit_amount: 300,
      transform_quantity: { divide_by: 10, round: 'up' },
    });
    const c = await customer(api);
    // 7 seats graduated: 5 × 1000 + 2 × 800 + 100 flat = 6700.
    const sub = await api.post('/v1/subscriptions', {
      customer: c.id,
      items: [{ price: graduated.id, quantity: 7 }],
    });
    expect((await api.get(`/v1/invoices/${sub.latest_invoice}`)).subtotal).toBe(6700);
    const a = await api.post('/v1/invoiceitems', { customer: c.id, pricing: { price: dec.id }, quantity: 3 });
    expect(a.amount).toBe(38); // 37.5 rounds half up
    const b = await api.post('/v1/invoiceitems', {
      customer: c.id,
      pricing: { price: packs.id },
      quantity: 11,
    });
    expect(b.amount).toBe(600); // 11 → 2 packs of 10
    expect((await api.fails('POST', '/v1/prices', { product: p.id, currency: 'usd' })).error).toMatchObject({
      code: 'parameter_missing',
      param: 'unit_amount',
    });
  });
});

describe('plans', () => {
  it('a plan is a recurring price: created, updated and deleted together', async () => {
    const { api } = setup();
    const plan = await api.post('/v1/plans', {
      id: 'gold',
      product: { name: 'Gold' },
      currency: 'usd',
      amount: 5000,
      interval: 'month',
      nickname: 'Gold',
    });
    expect(plan).toMatchObject({
      id: 'gold',
      object: 'plan',
      amount: 5000,
      interval: 'month',
      interval_count: 1,
      usage_type: 'licensed',
      nickname: 'Gold',
    });
    expect(await api.get('/v1/prices/gold')).toMatchObject({
      object: 'price',
      unit_amount: 5000,
      recurring: { interval: 'month' },
    });
    await api.post('/v1/plans/gold', { active: 'false' });
    expect((await api.get('/v1/prices/gold')).active).toBe(false);
    expect(await api.ids('/v1/plans', { active: 'false' })).toEqual(['gold']);
    expect(await api.ids('/v1/plans', { product: plan.product })).toEqual(['gold']);
    expect(await api.del('/v1/plans/gold')).toEqual({ id: 'gold', object: 'plan', deleted: true });
    expect((await api.fails('GET', '/v1/prices/gold')).status).toBe(404);
    expect(await api.eventTypes()).toEqual([
      'product.created',
      'price.created',
      'plan.created',
      'plan.updated',
      'price.updated',
      'plan.deleted',
      'price.deleted',
    ]);
  });
});

describe('coupons, promotion codes, tax rates', () => {
  it('validates coupons and deletes them with coupon.deleted', async () => {
    const { api } = setup();
    const pct = await api.post('/v1/coupons', {
      percent_off: '25.5',
      duration: 'repeating',
      duration_in_months: 3,
    });
    expect(pct.id).toMatch(/^[A-Z0-9]{8}$/);
    expect(pct).toMatchObject({
      percent_off: 25.5,
      amount_off: null,
      currency: null,
      duration_in_months: 3,
      valid: true,
      times_redeemed: 0,
    });
    const fixed = await api.post('/v1/coupons', {
      id: 'TENOFF',
      amount_off: 1000,
      currency: 'usd',
      name: 'Ten off',
    });
    expect(fixed).toMatchObject({ id: 'TENOFF', duration: 'once', amount_off: 1000 });
    expect((await api.fails('POST', '/v1/coupons', { amount_off: 100 })).error.param).toBe('currency');
    expect(
      (await api.fails('POST', '/v1/coupons', { percent_off: 10, amount_off: 10, currency: 'usd' })).status,
    ).toBe(400);
    expect((await api.fails('POST', '/v1/coupons/TENOFF', { percent_off: 5 })).error.code).toBe(
      'parameter_unknown',
    );
    await api.post('/v1/coupons/TENOFF', { name: 'Ten dollars off' });
    await api.del('/v1/coupons/TENOFF');
    expect(await api.eventTypes('coupon.')).toEqual([
      'coupon.created',
      'coupon.created',
      'coupon.updated',
      'coupon.deleted',
    ]);
    expect(await api.ids('/v1/coupons')).toEqual([pct.id]);
  });

  it('promotion codes filter by code, coupon, customer and active; codes are unique while active', async () => {
    const { api } = setup();
    const coupon = await api.post('/v1/coupons', { percent_off: 20 });
    const c = await customer(api);
    const a = await api.post('/v1/promotion_codes', {
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'SPRING',
    });
    const b = await api.post('/v1/promotion_codes', {
      promotion: { type: 'coupon', coupon: coupon.id },
      customer: c.id,
      restrictions: { minimum_amount: 1000, minimum_amount_currency: 'usd' },
    });
    expect(a).toMatchObject({
      object: 'promotion_code',
      code: 'SPRING',
      active: true,
      promotion: { type: 'coupon', coupon: coupon.id },
    });
    expect(b.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(
      (
        await api.fails('POST', '/v1/promotion_codes', {
          promotion: { type: 'coupon', coupon: coupon.id },
          code: 'spring',
        })
      ).error.code,
    ).toBe('resource_already_exists');
    expect(await api.ids('/v1/promotion_codes', { code: 'SPRING' })).toEqual([a.id]);
    expect(await api.ids('/v1/promotion_codes', { coupon: coupon.id })).toEqual([b.id, a.id]);
    expect(await api.ids('/v1/promotion_codes', { customer: c.id })).toEqual([b.id]);
    await api.post(`/v1/promotion_codes/${a.id}`, { active: 'false' });
    expect(await api.ids('/v1/promotion_codes', { active: 'false' })).toEqual([a.id]);
    const updated = (await api.events('promotion_code.updated'))[0]!;
    expect(updated.data.previous_attributes).toEqual({ active: true });
    expect((await api.fails('POST', '/v1/promotion_codes', { code: 'X' })).error).toMatchObject({
      code: 'parameter_missing',
      param: 'promotion',
    });
  });

  it('tax rates filter by active and inclusive; percentage is fixed', async () => {
    const { api } = setup();
    const vat = await api.post('/v1/tax_rates', {
      display_name: 'VAT',
      percentage: '19',
      inclusive: 'false',
      country: 'DE',
      tax_type: 'vat',
    });
    const gst = await api.post('/v1/tax_rates', { display_name: 'GST', percentage: '10', inclusive: 'true' });
    expect(vat).toMatchObject({
      object: 'tax_rate',
      percentage: 19,
      effective_percentage: 19,
      inclusive: false,
      active: true,
      country: 'DE',
      rate_type: 'percentage',
      flat_amount: null,
    });
    expect(await api.ids('/v1/tax_rates', { inclusive: 'true' })).toEqual([gst.id]);
    await api.post(`/v1/tax_rates/${gst.id}`, { active: 'false' });
    expect(await api.ids('/v1/tax_rates', { active: 'true' })).toEqual([vat.id]);
    expect((await api.fails('POST', `/v1/tax_rates/${vat.id}`, { percentage: '20' })).error.code).toBe(
      'parameter_unknown',
    );
    expect(await api.eventTypes('tax_rate.')).toEqual([
      'tax_rate.created',
      'tax_rate.created',
      'tax_rate.updated',
    ]);
  });
});
