import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSchemas, validateObject } from '../../../src/schema/jsonSchema.js';

interface FixtureException {
  schema: string;
  violation: string;
  reason: string;
}

const fixturePath = new URL('../../fixtures/fixtures3.json', import.meta.url);
const exceptionsPath = new URL('../../fixtures/schema-fixture-exceptions.json', import.meta.url);
const fixtures = (JSON.parse(readFileSync(fixturePath, 'utf8')) as { resources: Record<string, unknown> })
  .resources;
const exceptions = (JSON.parse(readFileSync(exceptionsPath, 'utf8')) as { exceptions: FixtureException[] })
  .exceptions;

/**
 * Stripe's own example objects (fixtures3.json, keyed by `object`; deleted stubs as `deleted_<object>`)
 * must validate against our schemas. Known, version-related differences are listed with a reason in
 * schema-fixture-exceptions.json; anything else is a generator or validator bug.
 */
describe('fixtures3.json validates against schemas/', async () => {
  const { index, schemas } = await loadSchemas();
  const cases: Array<{ schema: string; fixtureKey: string }> = [
    ...Object.entries(index.streams).map(([stream, object]) => ({ schema: stream, fixtureKey: object })),
    ...Object.entries(index.deleted).map(([stream, schema]) => ({
      schema,
      fixtureKey: `deleted_${index.streams[stream]}`,
    })),
  ];

  it('has a fixture for every stream and deleted stub (the object → fixture key mapping is right)', () => {
    expect(cases.filter((c) => !(c.fixtureKey in fixtures)).map((c) => c.fixtureKey)).toEqual([]);
  });

  it.each(cases.map((c) => [c.schema, c.fixtureKey] as const))(
    '%s ← fixtures3.resources[%s]',
    (schema, fixtureKey) => {
      const violations = validateObject(schemas.get(schema)!, fixtures[fixtureKey]);
      const allowed = new Set(exceptions.filter((e) => e.schema === schema).map((e) => e.violation));
      expect(
        violations.filter((v) => !allowed.has(v)),
        'violations not listed in schema-fixture-exceptions.json',
      ).toEqual([]);
      const stale = [...allowed].filter((v) => !violations.includes(v));
      expect(
        stale,
        'exceptions that no longer occur: remove them from schema-fixture-exceptions.json',
      ).toEqual([]);
    },
  );

  it('every exception names a schema and gives a reason', () => {
    for (const e of exceptions) {
      expect(schemas.has(e.schema), e.schema).toBe(true);
      expect(e.reason.length, e.violation).toBeGreaterThan(20);
    }
  });
});
