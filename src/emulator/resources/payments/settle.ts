/**
 * Time-driven changes Stripe makes on its own: pending funds become available on `available_on` (with a
 * `balance.available` event), payouts are paid on their `arrival_date` (`payout.updated` + `payout.paid`),
 * top-ups succeed on their `expected_availability_date` (`topup.succeeded`, crediting the balance).
 *
 * The emulator applies them lazily: every payments operation (and `GET /v1/balance`) first settles what
 * fell due since the last one, so reads after the clock moved (`POST /_emulator/clock`) see the change at
 * the next payments request, or at once when whoever moved the clock calls `settleAll`. Events are dated
 * when the change is applied.
 */
import type { Emulator } from '../../emulator.js';
import type { MutationContext, StripeObject } from '../../resource.js';
import { balanceObject, makeAvailable, record, takeDue } from './ledger.js';
import { saveWithEvent } from './shared.js';

export function settle(ctx: MutationContext): void {
  const due = takeDue(ctx);
  if (due.length === 0) return;
  let fundsAvailable = false;
  for (const item of due) {
    if (item.kind === 'balance_transaction') {
      const txn = ctx.get('balance_transactions', item.id);
      if (txn?.status === 'pending') {
        makeAvailable(ctx, txn);
        fundsAvailable = true;
      }
    } else if (item.kind === 'payout') {
      const po = ctx.get('payouts', item.id);
      if (po && (po.status === 'pending' || po.status === 'in_transit')) payoutPaid(ctx, po);
    } else {
      const tu = ctx.get('topups', item.id);
      if (tu?.status === 'pending') {
        topupSucceeded(ctx, tu);
        fundsAvailable = true;
      }
    }
  }
  if (fundsAvailable) {
    const account = ctx.accountObject();
    ctx.emit('balance.available', balanceObject(ctx, String(account.default_currency ?? 'usd')));
  }
}

/** Settles every account (platform and connected ones), e.g. right after the emulator clock moved. */
export function settleAll(emulator: Emulator): void {
  for (const account of emulator.store.allAccounts()) settle(emulator.context(account.info.id));
}

function payoutPaid(ctx: MutationContext, po: StripeObject): void {
  const paid = {
    ...po,
    status: 'paid',
    // Automatic payouts are reconciled once paid (docs.stripe.com/payouts/reconciliation).
    reconciliation_status: po.automatic ? 'completed' : po.reconciliation_status,
    trace_id: { status: 'supported', value: `EMU${po.id.slice(3, 15).toUpperCase()}` },
  };
  ctx.save('payouts', paid, { emit: 'payout.updated' });
  ctx.emit('payout.paid', paid);
  if (po.automatic) ctx.emit('payout.reconciliation_completed', paid);
}

function topupSucceeded(ctx: MutationContext, tu: StripeObject): void {
  const txn = record(ctx, {
    amount: Number(tu.amount),
    currency: String(tu.currency),
    type: 'topup',
    reportingCategory: 'topup',
    source: tu.id,
    description: (tu.description as string | null) ?? null,
    availableOn: ctx.now,
  });
  saveWithEvent(
    ctx,
    'topups',
    { ...tu, status: 'succeeded', balance_transaction: txn.id },
    'topup.succeeded',
  );
}
