import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSchemaFiles, writeSchemaFiles } from '../../../scripts/schema-gen/generateSchemas.js';
import { DEFAULT_SCHEMA_DIR } from '../../../src/schema/jsonSchema.js';

/**
 * schemas/ is generated from the pinned stripe SDK and never hand-edited. This regenerates it in-process
 * into a temp dir and compares byte for byte, so a `stripe` bump without regenerating, or a hand edit,
 * fails here rather than in a warehouse.
 */
describe('schemas/ drift', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('committed schemas/ equal the generator output', { timeout: 60_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stripe-elt-schemas-'));
    await writeSchemaFiles(dir, generateSchemaFiles());

    const generated = (await readdir(dir)).sort();
    const committed = (await readdir(DEFAULT_SCHEMA_DIR)).filter((f) => f.endsWith('.json')).sort();
    const problems: string[] = [];
    for (const file of generated) {
      if (!committed.includes(file)) problems.push(`${file}: missing from schemas/`);
      else {
        const [fresh, stored] = await Promise.all([
          readFile(path.join(dir, file), 'utf8'),
          readFile(path.join(DEFAULT_SCHEMA_DIR, file), 'utf8'),
        ]);
        if (fresh !== stored) problems.push(`${file}: differs from the generator output`);
      }
    }
    for (const file of committed) {
      if (!generated.includes(file)) problems.push(`${file}: no longer generated`);
    }
    expect(problems, 'schemas/ is out of date: run `npm run generate:schemas` and commit the result').toEqual(
      [],
    );
  });
});
