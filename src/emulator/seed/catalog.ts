/**
 * A SaaS price book, created through the public API: products; flat monthly/annual prices in several
 * currencies (JPY is zero-decimal); graduated and volume tiered prices; a one-time price; legacy
 * `/v1/plans`; a price created inactive and prices retired by a later price increase (an inactive price
 * still referenced by grandfathered subscriptions); coupons, promotion codes and tax rates.
 */
import type { Obj } from './api.js';
import { PRODUCT_NAMES } from './content.js';
import type { Business } from './world.js';

export interface PriceRef {
  id: string;
  product: string;
  currency: string;
  unitAmount: number;
  interval?: 'month' | 'year';
}

export interface Catalog {
  products: string[];
  /** Current flat monthly prices by currency (subscriptions pick from these). */
  monthly: Record<string, PriceRef[]>;
  annual: PriceRef[];
  /** Per-seat graduated tiers. */
  seats?: PriceRef;
  /** Volume tiers. */
  volume?: PriceRef;
  addOns: PriceRef[];
  oneTime: PriceRef[];
  legacyPlans: PriceRef[];
  coupons: string[];
  promotionCodes: string[];
  /** Tax rate id by country. */
  taxRates: Record<string, string>;
}

const ref = (p: Obj): PriceRef => ({
  id: p.id,
  product: String(p.product),
  currency: String(p.currency),
  unitAmount: Number(p.unit_amount ?? p.amount ?? 0),
  // Prices say `recurring.interval`; plans (`/v1/plans`) say `interval`; one-time prices neither.
  interval:
    (p.recurring as { interval?: 'month' | 'year' } | null)?.interval ??
    (p.interval as 'month' | 'year' | undefined),
});

function addMonthly(cat: Catalog, currency: string, price: PriceRef): void {
  const list = cat.monthly[currency] ?? [];
  list.push(price);
  cat.monthly[currency] = list;
}

/** Everything at the business's first day; `full` adds the extras only the platform carries. */
export async function seedCatalog(b: Business, full: boolean): Promise<Catalog> {
  const cat: Catalog = {
    products: [],
    monthly: {},
    annual: [],
    addOns: [],
    oneTime: [],
    legacyPlans: [],
    coupons: [],
    promotionCodes: [],
    taxRates: {},
  };
  const product = async (name: string, extra: Record<string, unknown> = {}) => {
    const p = await b.post('/v1/products', {
      name,
      description: `${name} — ${b.label} plan`,
      metadata: { tier: name.toLowerCase().replace(/\W+/g, '_'), catalog_version: '1' },
      ...extra,
    });
    cat.products.push(p.id);
    return p.id;
  };
  const price = async (params: Record<string, unknown>) => ref(await b.post('/v1/prices', params));
  const monthly = (
    product: string,
    currency: string,
    unit_amount: number,
    extra: Record<string, unknown> = {},
  ) =>
    price({
      product,
      currency,
      unit_amount,
      recurring: { interval: 'month' },
      tax_behavior: 'exclusive',
      ...extra,
    });

  const tiers: [string, number][] = [
    ['Starter', 1500],
    ['Team', 4900],
    ['Business', 19900],
  ];
  for (const [name, amount] of tiers) {
    const prod = await product(name, {
      unit_label: 'workspace',
      url: `https://example.com/pricing#${name.toLowerCase()}`,
    });
    const usd = await monthly(prod, 'usd', amount, {
      lookup_key: `${b.label}_${name.toLowerCase()}_monthly`,
      nickname: `${name} monthly`,
    });
    addMonthly(cat, 'usd', usd);
    cat.annual.push(
      await price({
        product: prod,
        currency: 'usd',
        unit_amount: amount * 10,
        recurring: { interval: 'year' },
        nickname: `${name} annual`,
      }),
    );
    if (!full) continue;
    addMonthly(cat, 'eur', await monthly(prod, 'eur', Math.round(amount * 0.95)));
    addMonthly(cat, 'gbp', await monthly(prod, 'gbp', Math.round(amount * 0.8)));
    // JPY has no minor unit: ¥2,200 is unit_amount 2200 (stripe.com/docs/currencies#zero-decimal).
    addMonthly(cat, 'jpy', await monthly(prod, 'jpy', Math.round(amount * 1.5)));
  }
  const support = await product('Priority Support');
  cat.addOns.push(await monthly(support, 'usd', 9900));
  const onboarding = await product('Onboarding Package', { metadata: { tier: 'services' } });
  cat.oneTime.push(
    await price({
      product: onboarding,
      currency: 'usd',
      unit_amount: 50000,
      nickname: 'Onboarding (one-time)',
    }),
  );
  if (!full) return cat;

  const sso = await product('SSO Add-on');
  cat.addOns.push(await monthly(sso, 'usd', 2500));
  const seats = await product('Seats', { unit_label: 'seat' });
  cat.seats = await price({
    product: seats,
    currency: 'usd',
    billing_scheme: 'tiered',
    tiers_mode: 'graduated',
    tiers: [
      { up_to: 10, unit_amount: 1200 },
      { up_to: 50, unit_amount: 1000, flat_amount: 500 },
      { up_to: 'inf', unit_amount: 800 },
    ],
    recurring: { interval: 'month', usage_type: 'licensed' },
    nickname: 'Seats (graduated)',
  });
  const storage = await product('Storage (GB)', { unit_label: 'GB' });
  cat.volume = await price({
    product: storage,
    currency: 'usd',
    billing_scheme: 'tiered',
    tiers_mode: 'volume',
    tiers: [
      { up_to: 100, unit_amount: 25 },
      { up_to: 1000, unit_amount: 20 },
      { up_to: 'inf', unit_amount: 15, flat_amount: 1000 },
    ],
    recurring: { interval: 'month' },
  });
  cat.oneTime.push(
    await price({
      product: onboarding,
      currency: 'eur',
      unit_amount: 45000,
      transform_quantity: { divide_by: 5, round: 'up' },
    }),
  );
  // Created inactive (e.g. a price prepared for a launch that never happened).
  await price({
    product: sso,
    currency: 'usd',
    unit_amount: 3500,
    recurring: { interval: 'month' },
    active: false,
    nickname: 'SSO (unreleased)',
  });
  for (const name of PRODUCT_NAMES.slice(9, 12))
    await product(name, { metadata: { tier: 'addon', beta: 'true' } });
  await product('Legacy Widget', { active: false, metadata: { tier: 'legacy' } });

  // Legacy plans (the pre-Prices API) — still listed under /v1/plans and usable as prices.
  const legacy = await product('Legacy Basic');
  cat.legacyPlans.push(
    ref(
      await b.post('/v1/plans', {
        id: `legacy-basic-monthly-${b.label}`,
        amount: 900,
        currency: 'usd',
        interval: 'month',
        product: legacy,
        nickname: 'Legacy Basic',
      }),
    ),
    ref(
      await b.post('/v1/plans', {
        amount: 2900,
        currency: 'usd',
        interval: 'month',
        interval_count: 1,
        product: { name: 'Legacy Pro', metadata: { tier: 'legacy_pro' } },
        nickname: 'Legacy Pro',
        metadata: { migrated: 'false' },
      }),
    ),
  );
  return cat;
}

/** Coupons, promotion codes and tax rates. */
export async function seedDiscountsAndTaxes(b: Business, cat: Catalog, full: boolean): Promise<void> {
  const now = b.tl.now;
  const coupon = async (params: Record<string, unknown>) => {
    const c = await b.post('/v1/coupons', params);
    cat.coupons.push(c.id);
    return c.id;
  };
  const welcome = await coupon({
    id: 'WELCOME20',
    percent_off: 20,
    duration: 'repeating',
    duration_in_months: 3,
    name: 'Welcome 20%',
  });
  await coupon({
    percent_off: 10,
    duration: 'forever',
    name: 'Annual loyalty 10%',
    metadata: { campaign: 'loyalty' },
  });
  await coupon({ amount_off: 500, currency: 'usd', duration: 'once', name: '$5 off' });
  const taxRate = async (country: string, params: Record<string, unknown>) => {
    const t = await b.post('/v1/tax_rates', { country, jurisdiction: country, ...params });
    cat.taxRates[country] = t.id;
  };
  await taxRate('DE', {
    display_name: 'MwSt.',
    percentage: 19,
    inclusive: false,
    tax_type: 'vat',
    description: 'Germany VAT',
  });
  await taxRate('FR', { display_name: 'TVA', percentage: 20, inclusive: false, tax_type: 'vat' });
  await taxRate('GB', { display_name: 'VAT', percentage: 20, inclusive: true, tax_type: 'vat' });
  if (!full) {
    cat.promotionCodes.push(
      (
        await b.post('/v1/promotion_codes', {
          promotion: { type: 'coupon', coupon: welcome },
          code: `WELCOME${b.label.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
        })
      ).id,
    );
    return;
  }
  await taxRate('AU', { display_name: 'GST', percentage: 10, inclusive: true, tax_type: 'gst' });
  await taxRate('US', {
    display_name: 'Sales tax',
    percentage: 7.25,
    inclusive: false,
    state: 'CA',
    tax_type: 'sales_tax',
  });
  await taxRate('NL', {
    display_name: 'BTW',
    percentage: 21,
    inclusive: false,
    tax_type: 'vat',
    active: false,
  });
  const partner = await coupon({
    id: 'PARTNER15',
    percent_off: 15,
    duration: 'forever',
    max_redemptions: 500,
    applies_to: { products: cat.products.slice(0, 2) },
    name: 'Partner program',
  });
  await coupon({
    id: 'BLACKFRIDAY',
    percent_off: 30,
    duration: 'once',
    redeem_by: now + 60 * 86400,
    name: 'Black Friday',
  });
  const promo = async (params: Record<string, unknown>) =>
    cat.promotionCodes.push((await b.post('/v1/promotion_codes', params)).id);
  await promo({ promotion: { type: 'coupon', coupon: welcome }, code: 'WELCOME' });
  await promo({
    promotion: { type: 'coupon', coupon: welcome },
    code: 'FIRSTMONTH',
    restrictions: { first_time_transaction: true },
  });
  await promo({
    promotion: { type: 'coupon', coupon: partner },
    code: 'PARTNERACME',
    max_redemptions: 100,
    metadata: { partner: 'acme' },
  });
  await promo({
    promotion: { type: 'coupon', coupon: partner },
    code: 'SPRING',
    expires_at: now + 90 * 86400,
  });
}
