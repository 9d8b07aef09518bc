/**
 * Data shapes that break naive loaders, placed on the platform: customers with awkward metadata (see
 * content.ts), NUL bytes and 500-character values; a "bulk import" that creates thousands of customers in
 * one `created` second (pagination with `starting_after` must not lose or repeat objects that share a
 * timestamp); deleted customers, products, coupons and plans — long ago (gone without a trace but for
 * ground truth) and within the last 30 days (so their `*.deleted` events are listed); and a stream of
 * updates in the last 30 days, so `/v1/events` carries every kind of change.
 */
import type { Catalog } from './catalog.js';
import { awkwardMetadata, fiftyKeys, NUL_STRING, VALUE_500 } from './content.js';
import { type CustomerRef, createCustomer, newCard } from './customers.js';
import { addTaxId } from './journey.js';
import type { StripeActs } from './stripeActs.js';
import { subscribe } from './subscriptions.js';
import { type Business, DAY, HOUR } from './world.js';

export function scheduleAwkwardCustomers(b: Business, count: number): void {
  const { start, end } = b.tl;
  for (let i = 0; i < count; i++) {
    // Spread over the history, with the last third inside the event window.
    const t = i % 3 === 2 ? end - b.r.int(1, 29) * DAY : start + b.r.int(30, 1000) * DAY;
    b.tl.at(t, async () => {
      const metadata = i % 8 === 7 ? fiftyKeys(i) : awkwardMetadata(i);
      await createCustomer(b, {
        metadata,
        name: i % 4 === 0 ? `Null${NUL_STRING}Byte Ltd` : undefined,
        description: i % 5 === 0 ? VALUE_500 : i % 5 === 1 ? `desc with NUL ${NUL_STRING}` : undefined,
        card: i % 2 === 0 ? 'create' : 'none',
      });
    });
  }
}

/** Customers migrated from another system, all in one second; some with subscriptions in that second. */
export function scheduleBulkImport(
  b: Business,
  cat: Catalog,
  acts: StripeActs,
  at: number,
  count: number,
  subscribeRate: number,
): void {
  b.tl.at(at, async () => {
    for (let i = 0; i < count; i++) {
      const subscribeNow = b.r.bool(subscribeRate);
      const c = await createCustomer(b, {
        card: subscribeNow ? 'create' : 'none',
        metadata: {
          imported_from: 'legacy-billing',
          legacy_id: `L-${String(i).padStart(6, '0')}`,
          import_batch: '2',
        },
      });
      if (subscribeNow) await subscribe(b, cat, acts, c, { trialDays: 0 });
    }
  });
}

/** Deleted objects: old ones (no events left) and recent ones (with `*.deleted` events). */
export function scheduleDeletions(b: Business, cat: Catalog, scale: number): void {
  const { start, end } = b.tl;
  const r = b.r;
  const deleteLater = (
    createdAt: number,
    deletedAt: number,
    make: () => Promise<string>,
    path: (id: string) => string,
  ) => {
    b.tl.at(createdAt, async () => {
      const id = await make();
      b.tl.at(deletedAt, async () => void (await b.del(path(id))));
    });
  };
  const customer = async () =>
    (await createCustomer(b, { card: r.bool(0.5) ? 'create' : 'none', metadata: { duplicate: 'true' } })).id;
  const product = async () =>
    (await b.post('/v1/products', { name: `Discontinued ${r.chars(4)}`, metadata: { sunset: 'true' } })).id;
  const coupon = async () =>
    (await b.post('/v1/coupons', { percent_off: r.int(5, 50), duration: 'once', name: 'Expired campaign' }))
      .id;
  const plan = async () =>
    (
      await b.post('/v1/plans', {
        amount: 1900,
        currency: 'usd',
        interval: 'month',
        product: cat.products[0],
        nickname: 'Short-lived plan',
      })
    ).id;
  const n = Math.max(1, Math.round(scale));
  for (let i = 0; i < 6 * n; i++) {
    const t = start + r.int(60, 900) * DAY;
    deleteLater(t, t + r.int(1, 90) * DAY, customer, (id) => `/v1/customers/${id}`);
  }
  for (let i = 0; i < 5 * n; i++) {
    const t = end - r.int(40, 400) * DAY;
    deleteLater(t, end - r.int(1, 28) * DAY - r.int(0, DAY), customer, (id) => `/v1/customers/${id}`);
  }
  for (let i = 0; i < 2; i++) {
    deleteLater(start + (100 + i) * DAY, start + (300 + i) * DAY, product, (id) => `/v1/products/${id}`);
    deleteLater(end - (200 + i) * DAY, end - (5 + i) * DAY, product, (id) => `/v1/products/${id}`);
    deleteLater(start + (50 + i) * DAY, start + (400 + i) * DAY, coupon, (id) => `/v1/coupons/${id}`);
    deleteLater(end - (90 + i) * DAY, end - (3 + i) * DAY, coupon, (id) => `/v1/coupons/${id}`);
  }
  deleteLater(start + 200 * DAY, start + 500 * DAY, plan, (id) => `/v1/plans/${id}`);
  deleteLater(end - 60 * DAY, end - 8 * DAY, plan, (id) => `/v1/plans/${id}`);
}

/** Changes in the last 30 days: updates of every kind of object, so every `*.updated` event exists. */
export function scheduleRecentActivity(b: Business, cat: Catalog, acts: StripeActs, scale: number): void {
  const end = b.tl.end;
  const r = b.r;
  const when = () => end - r.int(1, 28) * DAY - r.int(0, DAY - 1);
  const n = Math.max(1, Math.round(scale));
  b.tl.at(end - 29 * DAY, async () => {
    const people: CustomerRef[] = [];
    for (let i = 0; i < 4 * n; i++) people.push(await createCustomer(b, { card: 'create' }));
    for (const [i, c] of people.entries()) {
      b.tl.at(when(), async () => {
        await b.post(`/v1/customers/${c.id}`, {
          email: `renamed+${i}@example.com`,
          metadata: { segment: 'enterprise', crm_id: '', 'Plan Tier': 'Platinum' },
          ...(i % 3 === 0 ? { description: `Updated with NUL ${NUL_STRING}` } : {}),
        });
      });
      if (i % 4 === 0) b.tl.at(when(), async () => void (await addTaxId(b, { ...c, country: 'DE' })));
      if (i % 4 === 1) {
        b.tl.at(when(), async () => {
          const tax = await addTaxId(b, { ...c, country: 'FR' });
          if (tax) b.tl.after(HOUR, async () => void (await b.del(`/v1/customers/${c.id}/tax_ids/${tax}`)));
        });
      }
      if (i % 4 === 2) {
        b.tl.at(when(), async () => {
          const pm = await newCard(b, 'Second card');
          await b.post(`/v1/payment_methods/${pm}/attach`, { customer: c.id });
          b.tl.after(2 * DAY, async () => void (await b.post(`/v1/payment_methods/${pm}/detach`, {})));
        });
      }
      if (i % 4 === 3) {
        b.tl.at(when(), async () => {
          const sub = await subscribe(b, cat, acts, c, {
            noRenewals: true,
            items: [{ price: cat.monthly.usd![0]!.id, quantity: 1 }],
          });
          b.tl.after(
            DAY,
            async () =>
              void (await b.post(`/v1/subscriptions/${sub.id}`, {
                metadata: { upgraded: 'soon' },
                cancel_at_period_end: true,
              })),
          );
        });
      }
    }
  });
  b.tl.at(
    when(),
    async () =>
      void (await b.post(`/v1/products/${cat.products[0]}`, {
        description: 'Now with more features',
        metadata: { catalog_version: '2' },
      })),
  );
  b.tl.at(
    when(),
    async () =>
      void (await b.post(`/v1/prices/${cat.annual[2]!.id}`, {
        metadata: { promo: 'summer' },
        nickname: 'Business annual (2025)',
      })),
  );
  b.tl.at(
    when(),
    async () =>
      void (await b.post(`/v1/coupons/${cat.coupons[1]}`, {
        name: 'Loyalty 10% (renamed)',
        metadata: { owner: 'growth' },
      })),
  );
  if (cat.promotionCodes[3])
    b.tl.at(
      when(),
      async () => void (await b.post(`/v1/promotion_codes/${cat.promotionCodes[3]}`, { active: false })),
    );
  const de = cat.taxRates.DE;
  if (de)
    b.tl.at(
      when(),
      async () => void (await b.post(`/v1/tax_rates/${de}`, { description: 'Germany VAT (standard rate)' })),
    );
  if (cat.legacyPlans[0])
    b.tl.at(
      when(),
      async () =>
        void (await b.post(`/v1/plans/${cat.legacyPlans[0]!.id}`, {
          nickname: 'Legacy Basic (closed)',
          active: false,
        })),
    );
}

/**
 * A price increase a year in: new prices replace the first ones for new subscriptions, the old ones are
 * retired (inactive) while grandfathered subscriptions keep using them.
 */
export function schedulePriceIncrease(b: Business, cat: Catalog, at: number): void {
  b.tl.at(at, async () => {
    const usd = cat.monthly.usd!;
    for (const [i, old] of usd.entries()) {
      const p = await b.post('/v1/prices', {
        product: old.product,
        currency: 'usd',
        unit_amount: Math.round(old.unitAmount * 1.2),
        recurring: { interval: 'month' },
        tax_behavior: 'exclusive',
        nickname: `v2 ${i}`,
        metadata: { catalog_version: '2' },
      });
      await b.post(`/v1/prices/${old.id}`, { active: false });
      usd[i] = { ...old, id: p.id, unitAmount: Number(p.unit_amount) };
    }
  });
}
