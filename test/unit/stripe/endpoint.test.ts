import { describe, expect, it } from 'vitest';
import { endpointOf } from '../../../src/stripe/endpoint.js';

describe('endpointOf (rate-limit endpoint of a request)', () => {
  it('replaces ids with a placeholder so every id shares one endpoint', () => {
    expect(endpointOf('get', '/v1/charges/ch_3MmlLrLkdIwHu7ix0snN0B15')).toBe('GET /v1/charges/:id');
    expect(endpointOf('GET', '/v1/invoices/in_1MtHbELkdIwHu7ixl4OzzPMv/lines?limit=100')).toBe(
      'GET /v1/invoices/:id/lines',
    );
    expect(endpointOf('GET', '/v1/accounts/acct_c0WyyHbiQzSU8PF9')).toBe('GET /v1/accounts/:id');
    expect(endpointOf('GET', '/v1/application_fees/fee_1B73DOKbnvuxQXGu/refunds')).toBe(
      'GET /v1/application_fees/:id/refunds',
    );
  });

  it('keeps lower-case collection names with underscores (they are not ids)', () => {
    for (const child of ['balance_transactions', 'tax_ids', 'payment_methods']) {
      expect(endpointOf('GET', `/v1/customers/cus_NffrFeUfNV2Hib/${child}?limit=100`)).toBe(
        `GET /v1/customers/:id/${child}`,
      );
    }
    expect(endpointOf('GET', '/v1/radar/early_fraud_warnings')).toBe('GET /v1/radar/early_fraud_warnings');
    expect(endpointOf('GET', '/v1/checkout/sessions/cs_test_a1b2C3/line_items')).toBe(
      'GET /v1/checkout/sessions/:id/line_items',
    );
  });

  it('distinct child lists of one parent are distinct endpoints', () => {
    const a = endpointOf('GET', '/v1/customers/cus_9s6XKzkNRiz8i3/balance_transactions');
    const b = endpointOf('GET', '/v1/customers/cus_9s6XKzkNRiz8i3/tax_ids');
    expect(a).not.toBe(b);
  });
});
