import { describe, expect, it } from 'vitest';
import { Emulator } from '../../../../src/emulator/emulator.js';
import { CUSTOM_ROUTES, RESOURCES } from '../../../../src/emulator/resources/index.js';
import { routeLabel, SeedApi, SeedError } from '../../../../src/emulator/seed/api.js';
import { seedEmulator } from '../../../../src/emulator/seed/index.js';

const NOW = 1_767_225_600;

describe('seed generator with resources the emulator does not serve', () => {
  it('drops the work that needs them and names the missing routes in `skipped`', async () => {
    const without = new Set([
      'quotes',
      'quote_line_items',
      'checkout_sessions',
      'checkout_session_line_items',
    ]);
    const emu = new Emulator(
      RESOURCES.filter((d) => !without.has(d.name)),
      CUSTOM_ROUTES,
      { seed: 5, now: NOW },
    );
    const summary = await seedEmulator(emu, { size: 'small', seed: 5 });
    expect(Object.keys(summary.skipped).sort()).toEqual(['POST /v1/checkout/sessions', 'POST /v1/quotes']);
    expect(summary.skipped['POST /v1/quotes']).toMatch(/no route/);
    // Everything else still happened.
    expect(summary.byResource.invoices ?? 0).toBeGreaterThan(100);
    expect(summary.byResource.quotes).toBeUndefined();
  });

  it('stops on a real API error, with the request and Stripe’s message', async () => {
    const emu = new Emulator(RESOURCES, CUSTOM_ROUTES, { seed: 1, now: NOW });
    const api = new SeedApi(emu);
    const err = await api
      .post('/v1/customers', { email: 'x@example.com', metadata: { ['k'.repeat(41)]: 'v' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).status).toBe(400);
    expect((err as Error).message).toMatch(
      /POST \/v1\/customers failed: 400 invalid_request_error: Metadata keys/,
    );
  });

  it('labels routes with ids replaced', () => {
    expect(routeLabel('POST', '/v1/customers/cus_Ab12/tax_ids')).toBe('POST /v1/customers/:id/tax_ids');
    expect(routeLabel('DELETE', '/v1/coupons/WELCOME20')).toBe('DELETE /v1/coupons/:id');
  });
});
