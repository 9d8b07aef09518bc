/**
 * Stripe's form encoding with bracket notation (`created[gte]=1`, `expand[0]=data.customer`), the way
 * stripe-node encodes request data. Used for query strings, since the SDK's rawRequest takes GET
 * parameters only inside the path.
 */
export function encodeForm(params: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v === undefined) return;
    if (v === null) parts.push(`${encodeURIComponent(prefix)}=`);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(`${prefix}[${i}]`, v[i]);
    } else if (typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(prefix ? `${prefix}[${k}]` : k, item);
    } else parts.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(v))}`);
  };
  walk('', params);
  return parts.join('&');
}
