/**
 * Customers and how they come to have a card on file. Cards are created from Stripe's test tokens
 * (docs.stripe.com/testing#cards: `tok_visa`, `tok_mastercard`, …) and reach the customer in the three
 * ways integrations do it: passed at customer creation, attached afterwards (`/attach` + default in
 * `invoice_settings`), or saved through a confirmed SetupIntent.
 */
import { address, customerMetadata, person } from './content.js';
import type { Business } from './world.js';

const TOKENS = [
  ['tok_visa', 6],
  ['tok_mastercard', 3],
  ['tok_amex', 1],
  ['tok_visa_debit', 1],
  ['tok_discover', 1],
] as const;

export interface CustomerRef {
  id: string;
  country: string;
  email: string;
  /** Default payment method, when one is on file. */
  pm?: string;
}

export interface NewCustomer {
  metadata?: Record<string, string>;
  name?: string;
  description?: string;
  /** How the card is put on file: none, at creation, attached after, through a SetupIntent. */
  card?: 'none' | 'create' | 'attach' | 'setup_intent';
  extra?: Record<string, unknown>;
}

export async function newCard(b: Business, billingName: string): Promise<string> {
  const pm = await b.post('/v1/payment_methods', {
    type: 'card',
    card: { token: b.r.weighted(TOKENS) },
    billing_details: { name: billingName },
  });
  return pm.id;
}

export async function createCustomer(b: Business, opts: NewCustomer = {}): Promise<CustomerRef> {
  const r = b.r;
  const n = ++b.customerSeq;
  const p = person(r, n);
  const card =
    opts.card ??
    r.weighted([
      ['create', 5],
      ['attach', 2],
      ['setup_intent', 1],
      ['none', 2],
    ] as const);
  const params: Record<string, unknown> = {
    name: opts.name ?? (r.bool(0.3) ? p.company : p.name),
    email: p.email,
    metadata: opts.metadata ?? customerMetadata(r, n),
    address: address(r, p.country),
    ...opts.extra,
  };
  if (opts.description ?? r.bool(0.3)) params.description = opts.description ?? `${p.company} (${b.label})`;
  if (r.bool(0.4)) params.phone = `+1415555${String(r.int(0, 9999)).padStart(4, '0')}`;
  if (r.bool(0.2)) params.preferred_locales = [r.pick(['en', 'de', 'fr', 'ja', 'es'])];
  let pm: string | undefined;
  if (card === 'create') {
    pm = await newCard(b, p.name);
    params.payment_method = pm;
    params.invoice_settings = { default_payment_method: pm };
  }
  const c = await b.post('/v1/customers', params);
  const ref: CustomerRef = { id: c.id, country: p.country, email: p.email, pm };
  if (card === 'attach') ref.pm = await attachCard(b, ref, p.name);
  if (card === 'setup_intent') ref.pm = await saveCardWithSetupIntent(b, ref, p.name);
  return ref;
}

export async function attachCard(b: Business, c: CustomerRef, name: string): Promise<string> {
  const pm = await newCard(b, name);
  await b.post(`/v1/payment_methods/${pm}/attach`, { customer: c.id });
  await b.post(`/v1/customers/${c.id}`, { invoice_settings: { default_payment_method: pm } });
  c.pm = pm;
  return pm;
}

export async function saveCardWithSetupIntent(b: Business, c: CustomerRef, name: string): Promise<string> {
  const pm = await newCard(b, name);
  await b.post('/v1/setup_intents', {
    customer: c.id,
    payment_method: pm,
    payment_method_types: ['card'],
    usage: 'off_session',
    confirm: true,
    metadata: { flow: 'add_card' },
  });
  await b.post(`/v1/customers/${c.id}`, { invoice_settings: { default_payment_method: pm } });
  c.pm = pm;
  return pm;
}
