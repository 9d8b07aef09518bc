/**
 * Errors in Stripe's wire shape: `{"error": {"type", "code", "message", "param", "doc_url"}}` with
 * Stripe's HTTP status codes (docs.stripe.com/api/errors).
 */
export type StripeErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'rate_limit_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(requestId?: string): { error: Record<string, string> } {
    const error: Record<string, string> = { message: this.message, type: this.type };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param) error.param = this.param;
    if (requestId) error.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
    return { error };
  }
}

export const invalidRequest = (message: string, param?: string, code?: string) =>
  new ApiError(400, 'invalid_request_error', message, code, param);

export const resourceMissing = (what: string, id: string, param = 'id') =>
  new ApiError(404, 'invalid_request_error', `No such ${what}: '${id}'`, 'resource_missing', param);

/** A parameter names an object that does not exist (400, unlike a missing path object's 404). */
export const missingReference = (what: string, id: string, param: string) =>
  new ApiError(400, 'invalid_request_error', `No such ${what}: '${id}'`, 'resource_missing', param);

export const parameterUnknown = (param: string) =>
  new ApiError(
    400,
    'invalid_request_error',
    `Received unknown parameter: ${param}`,
    'parameter_unknown',
    param,
  );

export const parameterMissing = (param: string) =>
  new ApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, 'parameter_missing', param);

export const notFound = (method: string, path: string) =>
  new ApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
