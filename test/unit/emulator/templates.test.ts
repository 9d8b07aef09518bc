/**
 * Proves the compiled Stripe example objects behave like the parsed ones they replaced: each call gives a
 * fresh deep copy with the fixture's keys, in the fixture's order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { template } from '../../../src/emulator/templates.js';
import { packagePath } from '../../../src/paths.js';

const fixtures = JSON.parse(
  readFileSync(packagePath('src/emulator/templates/stripe-fixtures.json'), 'utf8'),
) as { resources: Record<string, Record<string, unknown>> };

describe('template', () => {
  it('gives the fixture, key order included, for every example object', () => {
    for (const [name, example] of Object.entries(fixtures.resources)) {
      expect(JSON.stringify(template(name)), name).toBe(JSON.stringify(example));
    }
  });

  it('gives a fresh deep copy on every call', () => {
    const a = template('invoice');
    const b = template('invoice');
    expect(a).not.toBe(b);
    expect(a.status_transitions).not.toBe(b.status_transitions);
    (a.status_transitions as Record<string, unknown>).paid_at = 1;
    (a.metadata as Record<string, unknown>).x = 'y';
    expect(template('invoice')).toEqual(fixtures.resources.invoice);
  });

  it('fails on an unknown object', () => {
    expect(() => template('no_such_object')).toThrow(/no Stripe example object/);
  });
});
