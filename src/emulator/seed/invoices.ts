/**
 * One-off invoices the way an integration builds them (docs.stripe.com/invoicing/integration): a draft
 * invoice, invoice items attached to it (a plain amount, a catalogue price through `pricing[price]`, or an
 * inline `price_data`), then finalized and paid, sent, voided or written off — each invoice status a
 * warehouse must represent.
 */
import type { Obj } from './api.js';
import type { Catalog } from './catalog.js';
import type { CustomerRef } from './customers.js';
import type { Business } from './world.js';

export type InvoiceFate = 'draft' | 'open' | 'paid' | 'paid_out_of_band' | 'void' | 'uncollectible';

export interface InvoiceOpts {
  lines: number;
  fate: InvoiceFate;
  currency?: string;
  description?: string;
  metadata?: Record<string, string>;
}

const SERVICES = [
  'Consulting hours',
  'Custom integration',
  'Training session',
  'Data migration',
  'Premium SLA',
  'Usage overage',
  'Setup fee',
] as const;

export async function buildInvoice(b: Business, cat: Catalog, c: CustomerRef, o: InvoiceOpts): Promise<Obj> {
  const r = b.r;
  const currency = o.currency ?? 'usd';
  const charge = o.fate === 'paid' && c.pm !== undefined;
  const inv = await b.post('/v1/invoices', {
    customer: c.id,
    currency,
    auto_advance: false,
    collection_method: charge ? 'charge_automatically' : 'send_invoice',
    ...(charge ? {} : { days_until_due: r.pick([14, 30, 45]) }),
    pending_invoice_items_behavior: 'exclude',
    description: o.description ?? `Services for ${new Date(b.tl.now * 1000).toISOString().slice(0, 7)}`,
    metadata: o.metadata ?? { po_number: `PO-${r.int(10000, 99999)}` },
    ...(cat.taxRates[c.country] && currency !== 'usd'
      ? { default_tax_rates: [cat.taxRates[c.country]] }
      : {}),
  });
  const oneTime = cat.oneTime.find((p) => p.currency === currency);
  for (let i = 0; i < o.lines; i++) {
    const kind = r.weighted([
      ['amount', 5],
      ['price', oneTime ? 2 : 0],
      ['price_data', 2],
    ] as const);
    const item: Record<string, unknown> = {
      customer: c.id,
      invoice: inv.id,
      metadata: { line: String(i + 1) },
    };
    if (kind === 'price') Object.assign(item, { pricing: { price: oneTime!.id }, quantity: r.int(1, 3) });
    else if (kind === 'price_data') {
      Object.assign(item, {
        price_data: { currency, product: r.pick(cat.products), unit_amount: r.int(5, 500) * 100 },
        quantity: r.int(1, 10),
        description: r.pick(SERVICES),
      });
    } else
      Object.assign(item, {
        amount: r.int(10, 2000) * 100,
        currency,
        description: `${r.pick(SERVICES)} #${i + 1}`,
      });
    await b.postQuietly('/v1/invoiceitems', item);
  }
  if (o.fate === 'draft') return inv;
  let out = await b.post(`/v1/invoices/${inv.id}/finalize`, { auto_advance: false });
  // Finalizing settles an invoice whose amount due is zero (the customer's credit balance covered it, a
  // balance that depends on the clock through earlier prorations): Stripe then answers 400 "Invoice is
  // already paid" to /pay, as the emulator does, and `emulator --seed large` failed at some hours.
  if (out.status !== 'open') return out;
  switch (o.fate) {
    case 'paid':
      out = await b.post(`/v1/invoices/${inv.id}/pay`, charge ? {} : { paid_out_of_band: true });
      break;
    case 'paid_out_of_band':
      out = await b.post(`/v1/invoices/${inv.id}/pay`, { paid_out_of_band: true });
      break;
    case 'void':
      out = await b.post(`/v1/invoices/${inv.id}/void`, {});
      break;
    case 'uncollectible':
      out = await b.post(`/v1/invoices/${inv.id}/mark_uncollectible`, {});
      break;
    default:
  }
  return out;
}
