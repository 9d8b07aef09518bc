/**
 * Stripe's test cards (docs.stripe.com/testing, docs.stripe.com/radar/testing): the card numbers, the
 * `pm_card_<name>` PaymentMethods and `tok_<name>` tokens that stand for them, and what each one does —
 * succeed, decline with a given code, open a Radar review, be blocked, or be disputed. The emulator
 * behaves the same way, so a client can produce failures, reviews and disputes through the public API.
 */

export interface Decline {
  /** Error `code`: card_declined, expired_card, incorrect_cvc, processing_error. */
  code: string;
  decline_code: string;
  message: string;
  /** Radar blocks are `blocked`, everything else the issuer's `issuer_declined`. */
  outcomeType: 'issuer_declined' | 'blocked';
}

export interface TestCard {
  number: string;
  /** PaymentMethod `card.brand` (lowercase network name). */
  brand: string;
  funding: 'credit' | 'debit' | 'prepaid';
  country: string;
  decline?: Decline;
  /** Radar risk level; `elevated` places the payment in review. */
  risk?: 'normal' | 'elevated' | 'highest';
  /** A dispute opened right after the payment succeeds. */
  dispute?: { reason: string; inquiry: boolean };
  /** Funds are available at once instead of after the payout delay (Stripe's 4000 0000 0000 0077). */
  bypassPending?: boolean;
}

const declined = (
  code: string,
  decline_code: string,
  message: string,
  outcomeType: Decline['outcomeType'] = 'issuer_declined',
): Decline => ({
  code,
  decline_code,
  message,
  outcomeType,
});

const card = (
  number: string,
  brand: string,
  funding: TestCard['funding'] = 'credit',
  country = 'US',
  extra: Partial<TestCard> = {},
): TestCard => ({
  number,
  brand,
  funding,
  country,
  ...extra,
});

/** `pm_card_<name>` / `tok_<name>` → card. */
export const TEST_CARDS: Record<string, TestCard> = {
  visa: card('4242424242424242', 'visa'),
  visa_debit: card('4000056655665556', 'visa', 'debit'),
  mastercard: card('5555555555554444', 'mastercard'),
  mastercard_debit: card('5200828282828210', 'mastercard', 'debit'),
  mastercard_prepaid: card('5105105105105100', 'mastercard', 'prepaid'),
  amex: card('378282246310005', 'amex'),
  discover: card('6011111111111117', 'discover'),
  diners: card('3056930009020004', 'diners'),
  jcb: card('3566002020360505', 'jcb', 'credit', 'JP'),
  unionpay: card('6200000000000005', 'unionpay', 'credit', 'CN'),
  us: card('4242424242424242', 'visa'),
  gb: card('4000008260000000', 'visa', 'credit', 'GB'),
  de: card('4000002760000016', 'visa', 'credit', 'DE'),
  fr: card('4000002500000003', 'visa', 'credit', 'FR'),
  ca: card('4000001240000000', 'visa', 'credit', 'CA'),
  au: card('4000000360000006', 'visa', 'credit', 'AU'),
  jp: card('4000003920000003', 'visa', 'credit', 'JP'),
  br: card('4000000760000002', 'visa', 'credit', 'BR'),
  chargeDeclined: card('4000000000000002', 'visa', 'credit', 'US', {
    decline: declined('card_declined', 'generic_decline', 'Your card was declined.'),
  }),
  chargeDeclinedInsufficientFunds: card('4000000000009995', 'visa', 'credit', 'US', {
    decline: declined('card_declined', 'insufficient_funds', 'Your card has insufficient funds.'),
  }),
  chargeDeclinedLostCard: card('4000000000009987', 'visa', 'credit', 'US', {
    decline: declined('card_declined', 'lost_card', 'Your card was declined.'),
  }),
  chargeDeclinedStolenCard: card('4000000000009979', 'visa', 'credit', 'US', {
    decline: declined('card_declined', 'stolen_card', 'Your card was declined.'),
  }),
  chargeDeclinedExpiredCard: card('4000000000000069', 'visa', 'credit', 'US', {
    decline: declined('expired_card', 'expired_card', 'Your card has expired.'),
  }),
  chargeDeclinedIncorrectCvc: card('4000000000000127', 'visa', 'credit', 'US', {
    decline: declined('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."),
  }),
  chargeDeclinedProcessingError: card('4000000000000119', 'visa', 'credit', 'US', {
    decline: declined(
      'processing_error',
      'processing_error',
      'An error occurred while processing your card. Try again in a little bit.',
    ),
  }),
  chargeDeclinedFraudulent: card('4000000000000226', 'visa', 'credit', 'US', {
    decline: declined('card_declined', 'fraudulent', 'Your card was declined.'),
  }),
  riskLevelHighest: card('4100000000000019', 'visa', 'credit', 'US', {
    risk: 'highest',
    decline: declined('card_declined', 'fraudulent', 'Your card was declined.', 'blocked'),
  }),
  bypassPending: card('4000000000000077', 'visa', 'credit', 'US', { bypassPending: true }),
  riskLevelElevated: card('4000000000009235', 'visa', 'credit', 'US', { risk: 'elevated' }),
  createDispute: card('4000000000000259', 'visa', 'credit', 'US', {
    dispute: { reason: 'fraudulent', inquiry: false },
  }),
  createDisputeInquiry: card('4000000000001976', 'visa', 'credit', 'US', {
    dispute: { reason: 'fraudulent', inquiry: true },
  }),
  createDisputeProductNotReceived: card('4000000000002685', 'visa', 'credit', 'US', {
    dispute: { reason: 'product_not_received', inquiry: false },
  }),
};

const BY_NUMBER = new Map<string, TestCard>();
for (const c of Object.values(TEST_CARDS)) if (!BY_NUMBER.has(c.number)) BY_NUMBER.set(c.number, c);

/** The test card behind `pm_card_visa` / `tok_visa`, if `id` is one of those magic ids. */
export function magicCard(id: string): TestCard | undefined {
  const m = /^(?:pm_card_|tok_)(\w+)$/.exec(id);
  return m ? TEST_CARDS[m[1]!] : undefined;
}

/** A card by its number: a known test card, or a plain card whose brand follows the number's prefix. */
export function cardByNumber(number: string): TestCard | undefined {
  const digits = number.replace(/\s+/g, '');
  if (!/^\d{12,19}$/.test(digits)) return undefined;
  const known = BY_NUMBER.get(digits);
  if (known) return known;
  const brand = /^3[47]/.test(digits)
    ? 'amex'
    : /^5[1-5]|^2[2-7]/.test(digits)
      ? 'mastercard'
      : /^6(011|5)/.test(digits)
        ? 'discover'
        : /^4/.test(digits)
          ? 'visa'
          : 'unknown';
  return { number: digits, brand, funding: 'credit', country: 'US' };
}

/** Card source objects (`card_…`, legacy Charges API) spell brands the old way. */
export const LEGACY_BRAND: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  unknown: 'Unknown',
};
