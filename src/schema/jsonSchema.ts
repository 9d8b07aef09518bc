import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaIndex, StreamSchema } from './schemaTypes.js';

/**
 * Loading the generated `schemas/*.json` (one JSON Schema per stream, derived from the pinned Stripe SDK
 * by scripts/generate-schemas.ts). The schema vocabulary lives in schemaTypes.ts, the validator in
 * validateObject.ts; both are re-exported here so callers have one import.
 */
export * from './schemaTypes.js';
export { type ValidateOptions, validateObject } from './validateObject.js';

export interface LoadedSchemas {
  index: SchemaIndex;
  /** Keyed by file stem: `customers`, `deleted_customers`, … */
  schemas: Map<string, StreamSchema>;
}

/**
 * `schemas/` sits at the package root. This file runs as `src/schema/jsonSchema.ts` (tsx, vitest) or as
 * `dist/schema/jsonSchema.js` (tsconfig.build.json maps src → dist), both two levels below the root.
 */
export const DEFAULT_SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** Reads `index.json` and every other `*.json` in `dir`. */
export async function loadSchemas(dir: string = DEFAULT_SCHEMA_DIR): Promise<LoadedSchemas> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as SchemaIndex;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
  const schemas = new Map<string, StreamSchema>();
  for (const file of files) {
    const schema = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as StreamSchema;
    schemas.set(file.slice(0, -'.json'.length), schema);
  }
  for (const stream of Object.keys(index.streams)) {
    if (!schemas.has(stream))
      throw new Error(`schemas/index.json lists ${stream} but ${stream}.json is missing`);
  }
  return { index, schemas };
}
