/**
 * PaymentMethod objects (`pm_…`) and what a payment made with one records on the charge
 * (`payment_method_details`, `billing_details`). Types the emulator issues: `card` (from a test card, a
 * card number or a `pm_card_*` / `tok_*` test id), `us_bank_account` and `sepa_debit`; shapes follow the
 * pinned SDK's PaymentMethod and Charge.PaymentMethodDetails types.
 */
import { invalidRequest, parameterMissing } from '../../apiError.js';
import type { FormParams, FormValue } from '../../formBody.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { metadata, oneOf } from '../params.js';
import { address, fingerprint, textOf } from './shared.js';
import { cardByNumber, magicCard, TEST_CARDS, type TestCard } from './testCards.js';

export const PAYMENT_METHOD_TYPES = ['card', 'us_bank_account', 'sepa_debit'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

/** Test bank accounts: the routing number Stripe documents for test ACH, and a test IBAN's bank code. */
const TEST_ROUTING_NUMBER = '110000000';
const TEST_SEPA_BANK_CODE = '37040044';

/** Test ids carry no expiry; Stripe gives them a date a few years out. */
function testExpiryYear(now: number): number {
  return new Date(now * 1000).getUTCFullYear() + 3;
}

export function billingDetails(v: FormValue | undefined): Record<string, unknown> {
  const b = v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  return {
    address: address(b.address),
    email: textOf(b.email),
    name: textOf(b.name),
    phone: textOf(b.phone),
    tax_id: textOf(b.tax_id),
  };
}

function cardObject(c: TestCard, expMonth: number, expYear: number): Record<string, unknown> {
  return {
    brand: c.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
    country: c.country,
    display_brand: c.brand === 'amex' ? 'american_express' : c.brand,
    exp_month: expMonth,
    exp_year: expYear,
    fingerprint: fingerprint(c.number),
    funding: c.funding,
    generated_from: null,
    last4: c.number.slice(-4),
    networks: { available: [c.brand], preferred: null },
    three_d_secure_usage: { supported: true },
    wallet: null,
    regulated_status: 'unregulated',
  };
}

/** Builds (does not store) a PaymentMethod of `type` from create params. */
export function buildPaymentMethod(ctx: MutationContext, params: FormParams): StripeObject {
  const type = oneOf(params, 'type', PAYMENT_METHOD_TYPES);
  if (!type) throw parameterMissing('type');
  const id = ctx.newId('pm');
  const pm = ctx.template('payment_method') as StripeObject;
  delete pm.card;
  Object.assign(pm, {
    id,
    object: 'payment_method',
    allow_redisplay: oneOf(params, 'allow_redisplay', ['always', 'limited', 'unspecified']) ?? 'unspecified',
    billing_details: billingDetails(params.billing_details),
    created: ctx.now,
    customer: null,
    customer_account: null,
    livemode: ctx.livemode,
    metadata: metadata(params),
    type,
  });
  const sub = params[type];
  const details = sub && typeof sub === 'object' && !Array.isArray(sub) ? sub : {};
  if (type === 'card') pm.card = cardFromParams(details, ctx.now);
  else if (type === 'us_bank_account') pm.us_bank_account = usBankAccount(details);
  else pm.sepa_debit = sepaDebit(details);
  return pm;
}

function cardFromParams(p: Record<string, FormValue>, now: number): Record<string, unknown> {
  if (typeof p.token === 'string') {
    const c = magicCard(p.token);
    if (!c) throw invalidRequest(`No such token: '${p.token}'`, 'card[token]', 'resource_missing');
    return cardObject(c, 12, testExpiryYear(now));
  }
  if (typeof p.number !== 'string') throw parameterMissing('card[number]');
  const c = cardByNumber(p.number);
  if (!c) throw invalidRequest('Your card number is incorrect.', 'card[number]', 'incorrect_number');
  const month = Number(p.exp_month);
  const year = Number(p.exp_year);
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw invalidRequest(
      "Your card's expiration month is invalid.",
      'card[exp_month]',
      'invalid_expiry_month',
    );
  }
  if (!Number.isInteger(year) || year < 2000) {
    throw invalidRequest("Your card's expiration year is invalid.", 'card[exp_year]', 'invalid_expiry_year');
  }
  return cardObject(c, month, year < 100 ? 2000 + year : year);
}

function usBankAccount(p: Record<string, FormValue>): Record<string, unknown> {
  const accountNumber = typeof p.account_number === 'string' ? p.account_number : '000123456789';
  return {
    account_holder_type: textOf(p.account_holder_type) ?? 'individual',
    account_type: textOf(p.account_type) ?? 'checking',
    bank_name: 'STRIPE TEST BANK',
    financial_connections_account: textOf(p.financial_connections_account),
    fingerprint: fingerprint(`${TEST_ROUTING_NUMBER}:${accountNumber}`),
    last4: accountNumber.slice(-4),
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: textOf(p.routing_number) ?? TEST_ROUTING_NUMBER,
    status_details: null,
  };
}

function sepaDebit(p: Record<string, FormValue>): Record<string, unknown> {
  const iban = (typeof p.iban === 'string' ? p.iban : 'DE89370400440532013000').replace(/\s+/g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$/.test(iban))
    throw invalidRequest(
      'The IBAN you provided is invalid.',
      'sepa_debit[iban]',
      'invalid_bank_account_iban',
    );
  return {
    bank_code: TEST_SEPA_BANK_CODE,
    branch_code: '',
    country: iban.slice(0, 2),
    fingerprint: fingerprint(iban),
    generated_from: { charge: null, setup_attempt: null },
    last4: iban.slice(-4),
  };
}

/**
 * The PaymentMethod a payment or setup names: a stored one, or a Stripe test id (`pm_card_visa`,
 * `tok_visa`), for which Stripe makes a fresh PaymentMethod (there is no `payment_method.created` event).
 */
export function resolvePaymentMethod(ctx: MutationContext, id: string, param: string): StripeObject {
  const stored = ctx.get('payment_methods', id);
  if (stored) return stored;
  if (!magicCard(id)) return ctx.require('payment_methods', id, param);
  return ctx.insert('payment_methods', buildPaymentMethod(ctx, { type: 'card', card: { token: id } }));
}

/** The test card behind a card PaymentMethod (matched by fingerprint), for decline/review/dispute behaviour. */
export function testCardOf(pm: StripeObject): TestCard | undefined {
  const fp = (pm.card as { fingerprint?: string } | undefined)?.fingerprint;
  if (!fp) return undefined;
  if (!byFingerprint) {
    byFingerprint = new Map();
    for (const c of Object.values(TEST_CARDS))
      if (!byFingerprint.has(fingerprint(c.number))) byFingerprint.set(fingerprint(c.number), c);
  }
  return byFingerprint.get(fp);
}

let byFingerprint: Map<string, TestCard> | undefined;

/** `charge.payment_method_details` for a payment of `amount` made with `pm`. */
export function paymentMethodDetails(pm: StripeObject, amount: number): Record<string, unknown> {
  const type = String(pm.type);
  if (type === 'card') {
    const c = pm.card as Record<string, unknown>;
    return {
      card: {
        amount_authorized: amount,
        authorization_code: null,
        brand: c.brand,
        checks: c.checks,
        country: c.country,
        electronic_commerce_indicator: null,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.fingerprint,
        funding: c.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.brand,
        network_token: { used: false },
        network_transaction_id: null,
        overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
        regulated_status: c.regulated_status ?? null,
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: 'card',
    };
  }
  if (type === 'us_bank_account') {
    const b = pm.us_bank_account as Record<string, unknown>;
    return {
      type,
      us_bank_account: {
        account_holder_type: b.account_holder_type,
        account_type: b.account_type,
        bank_name: b.bank_name,
        fingerprint: b.fingerprint,
        last4: b.last4,
        payment_reference: null,
        routing_number: b.routing_number,
      },
    };
  }
  const s = pm.sepa_debit as Record<string, unknown>;
  return {
    sepa_debit: {
      bank_code: s.bank_code,
      branch_code: s.branch_code,
      country: s.country,
      fingerprint: s.fingerprint,
      last4: s.last4,
      mandate: null,
    },
    type,
  };
}
