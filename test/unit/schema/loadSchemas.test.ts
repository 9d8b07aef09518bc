import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_DIR, loadSchemas } from '../../../src/schema/jsonSchema.js';

describe('loadSchemas', () => {
  it('finds the package-root schemas/ by default', async () => {
    expect(DEFAULT_SCHEMA_DIR).toBe(path.resolve(import.meta.dirname, '../../../schemas') + path.sep);
    const { index, schemas } = await loadSchemas();
    for (const stream of Object.keys(index.streams)) expect(schemas.has(stream), stream).toBe(true);
    for (const name of Object.values(index.deleted))
      expect(schemas.get(name)?.['x-deleted'], name).toBe(true);
  });

  it('fails loudly when index.json names a stream whose schema is missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stripe-elt-schemas-'));
    try {
      const index = { apiVersion: 'x', sdkVersion: 'y', streams: { customers: 'customer' }, deleted: {} };
      await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
      await expect(loadSchemas(dir)).rejects.toThrow('customers.json is missing');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
