/**
 * Payment aftermaths made sure of (chance alone leaves a small seed without them): full and partial
 * refunds, disputes (answered with evidence, accepted, ignored, inquiries), early fraud warnings and Radar
 * reviews — some long settled, some inside the 30-day event window — plus a charge captured later and
 * a declined one.
 */
import { createCustomer } from './customers.js';
import { type Aftermath, takePayment } from './payments.js';
import type { StripeActs } from './stripeActs.js';
import { type Business, DAY } from './world.js';

export function schedulePaymentShowcase(b: Business, acts: StripeActs): void {
  const end = b.tl.end;
  const cases: [Aftermath, number][] = [
    ['refund', 120],
    ['refund', 20],
    ['refund', 6],
    ['dispute', 150],
    ['dispute', 90],
    ['dispute', 25],
    ['dispute', 12],
    ['early_fraud_warning', 70],
    ['early_fraud_warning', 15],
    ['review', 60],
    ['review', 10],
    ['review', 3],
  ];
  cases.forEach(([aftermath, daysAgo], i) => {
    b.tl.at(end - daysAgo * DAY, async () => {
      const c = await createCustomer(b, { card: 'create' });
      await takePayment(b, acts, {
        amount: 4900 + i * 1000,
        currency: 'usd',
        customer: c,
        description: `Showcase payment (${aftermath})`,
        aftermath,
      });
    });
  });
}
