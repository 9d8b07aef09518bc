/**
 * The BatchWriter against a real DuckDB destination: per-parent child replacements arriving one parent
 * at a time leave the writer as one replacement per (account, column, version) per write — one UPDATE,
 * not one per parent — and still delete exactly the children their parents no longer list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../../../src/catalog/registry.js';
import type { Batch } from '../../../src/destinations/destination.js';
import { openDestination } from '../../../src/destinations/index.js';
import { BatchWriter } from '../../../src/engine/batchWriter.js';
import { StateStore, TABLE_ACCOUNT } from '../../../src/engine/stateStore.js';
import { TableModel } from '../../../src/engine/tableModel.js';
import { loadSchemas } from '../../../src/schema/jsonSchema.js';
import { duckdbReader } from '../../support/warehouseReaders.js';

const dir = mkdtempSync(join(tmpdir(), 'stripe-elt-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = 'acct_writerTest000001';
const taxId = (id: string, customer: string) => ({
  id,
  object: 'tax_id',
  country: 'DE',
  created: 1_700_000_000,
  customer,
  livemode: false,
  type: 'eu_vat',
  value: `DE${id}`,
  verification: null,
});

describe('BatchWriter', () => {
  it('coalesces per-parent child replacements into one per version and write', async () => {
    const file = join(dir, 'w.duckdb');
    const destination = await openDestination(`duckdb:${file}`, { schema: 'main' });
    const seen: Batch[][] = [];
    const { schemas } = await loadSchemas();
    const state = new StateStore([]);
    let clock = 1_800_000_000; // each write's _synced_at is later than the one before
    const model = new TableModel(
      catalog.get('customer_tax_ids'),
      schemas,
      state.stream(TABLE_ACCOUNT, 'customer_tax_ids'),
      { maxIdentifierLength: 63, metadataColumnsMax: 200 },
    );
    try {
      await destination.init();
      await destination.ensureTables([model.spec]);
      const spy = Object.create(destination) as typeof destination;
      spy.write = (batches, records, signal) => {
        seen.push([...batches]);
        return destination.write(batches, records, signal);
      };
      const writer = new BatchWriter(spy, new Map([['customer_tax_ids', model]]), state, {
        batchRows: 10_000,
        maxBufferedRows: 40_000,
        now: () => (clock += 1),
      });
      const fetchParent = (customer: string, version: number, ids: string[]) =>
        writer.add(
          'customer_tax_ids',
          ids.map((id) => ({ obj: taxId(id, customer), account: ACCOUNT, version, deleted: false })),
          [],
          { replaceChildren: [{ column: 'customer', parentIds: [customer], account: ACCOUNT, version }] },
        );
      // First sync: 50 customers with two tax ids each, fetched over two seconds.
      for (let c = 0; c < 50; c++) await fetchParent(`cus_${c}`, 100 + (c % 2), [`txi_${c}a`, `txi_${c}b`]);
      await writer.flush();
      const replacements = seen.flat().filter((b) => b.replaceChildren);
      expect(replacements.map((b) => b.replaceChildren!.version).sort()).toEqual([100, 101]);
      expect(replacements.map((b) => b.replaceChildren!.parentIds.length)).toEqual([25, 25]);

      // Later: every customer now lists only its "a" tax id, and one lists none.
      seen.length = 0;
      for (let c = 0; c < 50; c++) await fetchParent(`cus_${c}`, 200, c === 7 ? [] : [`txi_${c}a`]);
      await writer.flush();
      expect(seen.flat().filter((b) => b.replaceChildren)).toHaveLength(1);
    } finally {
      await destination.close();
    }
    const reader = await duckdbReader(file);
    try {
      const rows = await reader.rows('customer_tax_ids');
      const deleted = rows.filter((r) => r._deleted).map((r) => r.id as string);
      const live = rows.filter((r) => !r._deleted).map((r) => r.id as string);
      expect(deleted.sort()).toEqual([...Array.from({ length: 50 }, (_, c) => `txi_${c}b`), 'txi_7a'].sort());
      expect(live).toHaveLength(49);
    } finally {
      reader.close();
    }
  }, 60_000);
});
