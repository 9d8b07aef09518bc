/**
 * Radar early fraud warnings (`issfr_…`, docs.stripe.com/api/radar/early_fraud_warnings): card networks
 * raise them, Stripe records them; clients only list and retrieve. A warning is `actionable` while the
 * charge can still be refunded to avoid a dispute: refunding or a dispute makes it non-actionable
 * (`radar.early_fraud_warning.updated`).
 *
 * `createEarlyFraudWarning` is the emulator's control-free way in (the seed uses it).
 */
import { invalidRequest } from '../../apiError.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { refId } from './shared.js';

export const FRAUD_TYPES = [
  'card_never_received',
  'fraudulent_card_application',
  'made_with_counterfeit_card',
  'made_with_lost_card',
  'made_with_stolen_card',
  'misc',
  'unauthorized_use_of_card',
] as const;

export function createEarlyFraudWarning(
  ctx: MutationContext,
  chargeId: string,
  opts: { fraudType?: (typeof FRAUD_TYPES)[number] } = {},
): StripeObject {
  const charge = ctx.require('charges', chargeId, 'charge');
  if (charge.status !== 'succeeded')
    throw invalidRequest(`Charge ${charge.id} did not succeed; no fraud warning can be raised.`, 'charge');
  const efw: StripeObject = Object.assign(ctx.template('radar.early_fraud_warning'), {
    id: ctx.newId('issfr'),
    object: 'radar.early_fraud_warning',
    actionable: !charge.refunded && !charge.disputed,
    charge: charge.id,
    created: ctx.now,
    fraud_type: opts.fraudType ?? 'made_with_stolen_card',
    livemode: ctx.livemode,
  });
  const pi = refId(charge.payment_intent);
  if (pi) efw.payment_intent = pi;
  return ctx.insert('early_fraud_warnings', efw);
}

/** A refund or dispute settles the matter: the charge's warnings stop being actionable. */
export function resolveEarlyFraudWarnings(ctx: MutationContext, chargeId: string): void {
  for (const efw of ctx.findBy('early_fraud_warnings', 'charge', chargeId)) {
    if (efw.actionable) ctx.save('early_fraud_warnings', { ...efw, actionable: false });
  }
}

export const earlyFraudWarnings: ResourceDef = {
  name: 'early_fraud_warnings',
  object: 'radar.early_fraud_warning',
  idPrefix: 'issfr',
  path: '/v1/radar/early_fraud_warnings',
  operations: { list: true, retrieve: true },
  createdFilter: true,
  indexedFields: ['charge', 'payment_intent'],
  listParams: { charge: {}, payment_intent: {} },
  expandable: { charge: ['charges'], payment_intent: ['payment_intents'] },
  events: { created: 'radar.early_fraud_warning.created', updated: 'radar.early_fraud_warning.updated' },
  permission: 'radar',
};
