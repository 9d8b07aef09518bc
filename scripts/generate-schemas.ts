/**
 * Regenerates `schemas/*.json` from the pinned `stripe` SDK's type definitions.
 * Run with `npm run generate:schemas` after bumping the `stripe` dependency; commit the result.
 * Never hand-edit `schemas/`: `test/unit/schema/schemaDrift.test.ts` fails when it differs from this output.
 */
import { fileURLToPath } from 'node:url';
import { generateSchemaFiles, writeSchemaFiles } from './schema-gen/generateSchemas.js';

const outDir = fileURLToPath(new URL('../schemas/', import.meta.url));
const files = generateSchemaFiles();
await writeSchemaFiles(outDir, files);
console.log(`wrote ${files.size} files to ${outDir}`);
