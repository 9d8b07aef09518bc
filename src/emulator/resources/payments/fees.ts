/**
 * Processing fees and amount rules. Stripe's US card pricing is 2.9% + 30¢ per successful charge
 * (stripe.com/pricing); zero-decimal currencies (stripe.com/docs/currencies#zero-decimal) have no minor
 * unit, so the emulator charges a flat 3.6% there. Fees are booked in the charge currency (the emulator
 * does no currency conversion, so `exchange_rate` is always null).
 */
import { ZERO_DECIMAL } from '../../../catalog/currencies.js';
import { ApiError } from '../../apiError.js';
import type { FeeDetail } from './ledger.js';

/** Zero-decimal currencies (docs.stripe.com/currencies#zero-decimal): one list, shared with the catalogue. */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(ZERO_DECIMAL);

export function stripeFee(amount: number, currency: string): FeeDetail {
  const fee = ZERO_DECIMAL_CURRENCIES.has(currency)
    ? Math.round(amount * 0.036)
    : Math.round(amount * 0.029) + 30;
  return {
    amount: fee,
    application: null,
    currency,
    description: 'Stripe processing fees',
    type: 'stripe_fee',
  };
}

export function applicationFeeDetail(amount: number, currency: string, application: string): FeeDetail {
  return { amount, application, currency, description: 'Application fee', type: 'application_fee' };
}

/** Stripe's dispute fee (US: $15.00), booked on the dispute's balance transaction. */
export function disputeFee(currency: string): FeeDetail {
  return {
    amount: ZERO_DECIMAL_CURRENCIES.has(currency) ? 2000 : 1500,
    application: null,
    currency,
    description: 'Dispute fee',
    type: 'stripe_fee',
  };
}

/** Smallest chargeable amount in minor units (see checkChargeAmount). */
export const MIN_CHARGE_AMOUNT = 50;

/**
 * Stripe's minimum charge amount ("Amount must be at least $0.50 usd"; docs.stripe.com/currencies#minimum-
 * and-maximum-charge-amounts): 50 minor units, or 50 for zero-decimal currencies; at most eight digits.
 */
export function checkChargeAmount(amount: number, currency: string, param = 'amount'): void {
  const min = MIN_CHARGE_AMOUNT;
  if (amount < min) {
    const shown = ZERO_DECIMAL_CURRENCIES.has(currency) ? `${min}` : `${(min / 100).toFixed(2)}`;
    throw new ApiError(
      400,
      'invalid_request_error',
      `Amount must be at least ${currency === 'usd' ? '$' : ''}${shown} ${currency}`,
      'amount_too_small',
      param,
    );
  }
  if (amount > 99_999_999) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'Amount must be no more than $999,999.99',
      'amount_too_large',
      param,
    );
  }
}
