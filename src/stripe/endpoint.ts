/**
 * The rate-limit "endpoint" of a request. Stripe counts each named API operation separately ("each named
 * API operation is a separate endpoint": GET /v1/charges/{id} for all ids shares one limit), so ids in a
 * path are replaced by a placeholder: `GET /v1/invoices/in_123/lines` → `GET /v1/invoices/:id/lines`.
 */
const ID_SEGMENT = /^(?:[a-z]+_)+[A-Za-z0-9]+$/;

export function endpointOf(method: string, path: string): string {
  const segs = path.split('?')[0]!.split('/');
  const template = segs.map((s, i) => (i > 2 && ID_SEGMENT.test(s) ? ':id' : s)).join('/');
  return `${method.toUpperCase()} ${template}`;
}
