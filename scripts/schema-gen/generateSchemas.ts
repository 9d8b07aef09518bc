import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JSON_SCHEMA_DIALECT, type SchemaIndex, type StreamSchema } from '../../src/schema/schemaTypes.js';
import { SchemaBuilder } from './schemaBuilder.js';
import { createSdkProgram, findInterface, locateStripeSdk, type StripeSdk } from './sdkProgram.js';
import { stableJson } from './stableJson.js';
import { STREAM_SOURCES, type StreamSource } from './streams.js';

/** File stem of the schema describing a stream's deleted stub. */
export function deletedSchemaName(stream: string): string {
  return `deleted_${stream}`;
}

/**
 * Builds every schema file's contents in memory: `<stream>.json`, `deleted_<stream>.json` and
 * `index.json`, keyed by file name. Pure apart from reading the SDK, so the drift test can compare it
 * with the committed `schemas/` without touching the working tree.
 */
export function generateSchemaFiles(
  sources: readonly StreamSource[] = STREAM_SOURCES,
  sdk: StripeSdk = locateStripeSdk(),
): Map<string, string> {
  const program = createSdkProgram(
    sdk,
    sources.map((s) => s.file),
  );
  const checker = program.getTypeChecker();
  const builder = new SchemaBuilder(checker);
  const files = new Map<string, string>();
  const index: SchemaIndex = {
    apiVersion: sdk.apiVersion,
    sdkVersion: sdk.sdkVersion,
    streams: {},
    deleted: {},
  };

  const build = (source: StreamSource, interfaceName: string, deleted: boolean): StreamSchema => {
    const declaration = findInterface(program, sdk, source.file, interfaceName);
    const symbol = checker.getSymbolAtLocation(declaration.name);
    if (!symbol) throw new Error(`no symbol for ${interfaceName}`);
    const object = builder.objectLiteralOf(symbol);
    if (object !== source.object) {
      throw new Error(
        `${source.file} ${interfaceName}: object is ${object ?? 'not a literal'}, expected ${source.object}`,
      );
    }
    const { properties, required } = builder.describeProperties(builder.interfaceShape(symbol).properties);
    const schema: StreamSchema = {
      $schema: JSON_SCHEMA_DIALECT,
      title: interfaceName,
      type: 'object',
      'x-stream': source.stream,
      'x-stripe-object': object,
      properties: properties ?? {},
      required: required ?? [],
      // Unknown top-level fields are reported: every top-level field becomes a column, so an object
      // with fields this SDK does not know means the pinned SDK (and these schemas) are out of date.
      additionalProperties: false,
    };
    if (deleted) schema['x-deleted'] = true;
    return schema;
  };

  for (const source of [...sources].sort((a, b) => (a.stream < b.stream ? -1 : 1))) {
    files.set(`${source.stream}.json`, stableJson(build(source, source.interface, false)));
    index.streams[source.stream] = source.object;
    if (source.deleted) {
      const name = deletedSchemaName(source.stream);
      files.set(`${name}.json`, stableJson(build(source, source.deleted, true)));
      index.deleted[source.stream] = name;
    }
  }
  files.set('index.json', stableJson(index));
  return files;
}

/**
 * Writes the generated files into `dir`, removing `*.json` files there that the generator no longer
 * produces (a stream dropped from the mapping must not leave a stale schema behind).
 */
export async function writeSchemaFiles(dir: string, files: Map<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const existing of await readdir(dir)) {
    if (existing.endsWith('.json') && !files.has(existing)) await rm(path.join(dir, existing));
  }
  for (const [name, contents] of files) await writeFile(path.join(dir, name), contents);
}
