/**
 * The rate-limit "endpoint" of a request. Stripe counts each named API operation separately ("each named
 * API operation is a separate endpoint": GET /v1/charges/{id} for all ids shares one limit), so ids in a
 * path are replaced by a placeholder: `GET /v1/invoices/in_123/lines` → `GET /v1/invoices/:id/lines`.
 *
 * An id is a prefix (`cus_`, `txn_`, `acct_`…) followed by a random base62 part, which always holds a digit
 * or a capital in practice. Collection names such as `balance_transactions`, `tax_ids` or
 * `payment_methods` have the same `word_word` shape but are all lower case: mistaking them for ids merged
 * every customer child list into one `GET /v1/customers/:id/:id` budget, so three per-parent streams
 * shared one endpoint's 25 req/s while Stripe (and the emulator) gave each its own.
 */
const ID_SEGMENT = /^(?:[a-z]+_)+(?=[a-z]*[A-Z0-9])[A-Za-z0-9]+$/;

export function endpointOf(method: string, path: string): string {
  const segs = path.split('?')[0]!.split('/');
  const template = segs
    .map((s, i) => (i > 2 && ID_SEGMENT.test(decodeURIComponent(s)) ? ':id' : s))
    .join('/');
  return `${method.toUpperCase()} ${template}`;
}
