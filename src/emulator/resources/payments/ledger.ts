/**
 * The account balance as Stripe keeps it: every money movement books a balance transaction (`txn_…`,
 * docs.stripe.com/api/balance_transactions) with `fee`, `fee_details` and `net`; credits wait as
 * `pending` until `available_on`, debits are `available` at once. The running balance per currency is
 * kept in the account's memo so `/v1/balance` and payouts do not re-read the whole ledger, and the
 * time-driven transitions (funds becoming available, payouts arriving, top-ups landing) wait in a
 * due-queue that `settle.ts` drains. Balance transactions have no events (STRIPE-API-NOTES.md §3).
 */
import type { MutationContext, StripeObject } from '../../resource.js';
import { DAY, dayStart } from './shared.js';

export interface FeeDetail {
  amount: number;
  application: string | null;
  currency: string;
  description: string;
  type: 'stripe_fee' | 'application_fee' | 'tax';
}

export interface LedgerEntry {
  /** Signed amount in minor units: credits positive, debits negative. */
  amount: number;
  currency: string;
  /** Balance transaction `type`: charge, refund, payout, adjustment, transfer, payment, topup... */
  type: string;
  reportingCategory: string;
  /** The object that caused it (`ch_`, `re_`, `po_`, `dp_`, ...). */
  source: string | null;
  description: string | null;
  fees?: FeeDetail[];
  /** When the funds become available; defaults to now for debits, the payout delay for credits. */
  availableOn?: number;
}

export type DueKind = 'balance_transaction' | 'payout' | 'topup';
export interface Due {
  at: number;
  kind: DueKind;
  id: string;
}

type Totals = Map<string, { available: Map<string, number>; pending: Map<string, number> }>;

interface LedgerState {
  totals: Totals;
  /** Sorted by `at`, ties in insertion order. */
  due: Due[];
  /** Per currency: available transactions no automatic payout has contained yet. */
  unpaid: Map<string, string[]>;
}

/**
 * Stripe's standard US payout schedule makes card funds available two days after the payment
 * (docs.stripe.com/payouts#payout-speed: "T+2"); `available_on` is a midnight UTC.
 */
export const PAYOUT_DELAY_DAYS = 2;

export function availableOnFor(now: number): number {
  return dayStart(now) + PAYOUT_DELAY_DAYS * DAY;
}

/** Which `source_types` bucket of the balance a transaction counts in. */
function sourceTypeOf(type: string): string {
  return type === 'topup' || type === 'topup_reversal' ? 'bank_account' : 'card';
}

function bump(
  totals: Totals,
  currency: string,
  status: 'available' | 'pending',
  sourceType: string,
  delta: number,
): void {
  let t = totals.get(currency);
  if (!t) {
    t = { available: new Map(), pending: new Map() };
    totals.set(currency, t);
  }
  const m = t[status];
  m.set(sourceType, (m.get(sourceType) ?? 0) + delta);
}

function addUnpaid(s: LedgerState, currency: string, id: string): void {
  let list = s.unpaid.get(currency);
  if (!list) {
    list = [];
    s.unpaid.set(currency, list);
  }
  list.push(id);
}

function insertDue(due: Due[], item: Due): void {
  let lo = 0;
  let hi = due.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (due[mid]!.at <= item.at) lo = mid + 1;
    else hi = mid;
  }
  due.splice(lo, 0, item);
}

/** Rebuilds the state from stored data the first time an account's ledger is used. */
function state(ctx: MutationContext): LedgerState {
  return ctx.memo<LedgerState>('payments.ledger', () => {
    const s: LedgerState = { totals: new Map(), due: [], unpaid: new Map() };
    for (const status of ['available', 'pending'] as const) {
      for (const txn of ctx.findBy('balance_transactions', 'status', status)) {
        bump(s.totals, String(txn.currency), status, sourceTypeOf(String(txn.type)), Number(txn.net));
        if (status === 'pending')
          insertDue(s.due, { at: Number(txn.available_on), kind: 'balance_transaction', id: txn.id });
        else if (txn._payout === null) addUnpaid(s, String(txn.currency), txn.id);
      }
    }
    for (const status of ['pending', 'in_transit']) {
      for (const po of ctx.findBy('payouts', 'status', status)) {
        insertDue(s.due, { at: Number(po.arrival_date), kind: 'payout', id: po.id });
      }
    }
    for (const tu of ctx.findBy('topups', 'status', 'pending')) {
      insertDue(s.due, { at: Number(tu.expected_availability_date), kind: 'topup', id: tu.id });
    }
    return s;
  });
}

/** Books a balance transaction (stored without an event) and returns it. */
export function record(ctx: MutationContext, e: LedgerEntry): StripeObject {
  const fees = e.fees ?? [];
  const fee = fees.reduce((sum, f) => sum + f.amount, 0);
  const availableOn = e.availableOn ?? (e.amount > 0 ? availableOnFor(ctx.now) : ctx.now);
  const status = availableOn > ctx.now ? 'pending' : 'available';
  const txn = Object.assign(ctx.template('balance_transaction'), {
    id: ctx.newId('txn'),
    object: 'balance_transaction',
    amount: e.amount,
    available_on: availableOn,
    balance_type: 'payments',
    created: ctx.now,
    currency: e.currency,
    description: e.description,
    exchange_rate: null,
    fee,
    fee_details: fees,
    net: e.amount - fee,
    reporting_category: e.reportingCategory,
    source: e.source,
    status,
    type: e.type,
    // Emulator-only (hidden): the automatic payout that paid this transaction out, for `?payout=`.
    _payout: null,
  }) as StripeObject;
  const s = state(ctx);
  ctx.insert('balance_transactions', txn, { emit: false });
  bump(s.totals, e.currency, status, sourceTypeOf(e.type), Number(txn.net));
  if (status === 'pending') insertDue(s.due, { at: availableOn, kind: 'balance_transaction', id: txn.id });
  else addUnpaid(s, e.currency, txn.id);
  return txn;
}

/** Queues a time-driven transition (a payout arriving, a top-up landing) for `settle`. */
export function scheduleDue(ctx: MutationContext, item: Due): void {
  insertDue(state(ctx).due, item);
}

/** Removes and returns every queued transition due at or before `now`, oldest first. */
export function takeDue(ctx: MutationContext): Due[] {
  const due = state(ctx).due;
  let n = 0;
  while (n < due.length && due[n]!.at <= ctx.now) n++;
  return due.splice(0, n);
}

/** Moves a pending balance transaction to `available` (its `available_on` has come). */
export function makeAvailable(ctx: MutationContext, txn: StripeObject): void {
  if (txn.status !== 'pending') return;
  const s = state(ctx);
  const source = sourceTypeOf(String(txn.type));
  bump(s.totals, String(txn.currency), 'pending', source, -Number(txn.net));
  bump(s.totals, String(txn.currency), 'available', source, Number(txn.net));
  ctx.save('balance_transactions', { ...txn, status: 'available' }, { emit: false });
  addUnpaid(s, String(txn.currency), txn.id);
}

/** Available transactions in `currency` that no automatic payout has contained yet, oldest first. */
export function unpaidAvailable(ctx: MutationContext, currency: string): StripeObject[] {
  const ids = state(ctx).unpaid.get(currency) ?? [];
  return ids
    .map((id) => ctx.get('balance_transactions', id))
    .filter((t): t is StripeObject => t !== undefined);
}

/** Marks every unpaid available transaction in `currency` as contained in automatic payout `payoutId`. */
export function markPaidOut(ctx: MutationContext, currency: string, payoutId: string): void {
  const s = state(ctx);
  for (const txn of unpaidAvailable(ctx, currency))
    ctx.save('balance_transactions', { ...txn, _payout: payoutId }, { emit: false });
  s.unpaid.delete(currency);
}

/** The Balance object (docs.stripe.com/api/balance/balance_object) from the running totals. */
export function balanceObject(ctx: MutationContext, defaultCurrency: string): StripeObject {
  const totals = state(ctx).totals;
  const currencies = totals.size > 0 ? [...totals.keys()].sort() : [defaultCurrency];
  const side = (status: 'available' | 'pending') =>
    currencies.map((currency) => {
      const bySource = totals.get(currency)?.[status] ?? new Map<string, number>();
      const source_types: Record<string, number> = { card: bySource.get('card') ?? 0 };
      const bank = bySource.get('bank_account');
      if (bank) source_types.bank_account = bank;
      const amount = [...bySource.values()].reduce((a, b) => a + b, 0);
      return { amount, currency, source_types };
    });
  return {
    object: 'balance',
    available: side('available'),
    connect_reserved: currencies.map((currency) => ({ amount: 0, currency })),
    livemode: ctx.livemode,
    pending: side('pending'),
  } as unknown as StripeObject;
}

/** Available funds in `currency` (what a payout may draw on). */
export function availableAmount(ctx: MutationContext, currency: string): number {
  const m = state(ctx).totals.get(currency)?.available;
  return m ? [...m.values()].reduce((a, b) => a + b, 0) : 0;
}
