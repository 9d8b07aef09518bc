/**
 * Stripe's 402 `card_error` (docs.stripe.com/api/errors: "Card errors are the most common type of error
 * you should expect to handle"): besides `code` and `message` it carries `decline_code`, the failed
 * `charge` id, and on the Payment Intents API the `payment_intent` (and `payment_method`) objects. The
 * objects it names are stored before the error is thrown, as on Stripe, where a declined charge is listed.
 */
import { ApiError } from '../../apiError.js';

export interface CardErrorDetails {
  decline_code?: string;
  charge?: string;
  payment_intent?: Record<string, unknown>;
  payment_method?: Record<string, unknown>;
  setup_intent?: Record<string, unknown>;
  advice_code?: string;
}

export class CardError extends ApiError {
  constructor(
    message: string,
    code: string,
    readonly details: CardErrorDetails,
    param?: string,
  ) {
    super(402, 'card_error', message, code, param);
  }

  override toBody(requestId?: string): { error: Record<string, string> } {
    const body = super.toBody(requestId);
    for (const [k, v] of Object.entries(this.details)) {
      // Objects ride in the same envelope; the base type only promises strings.
      if (v !== undefined) (body.error as Record<string, unknown>)[k] = v;
    }
    return body;
  }
}
