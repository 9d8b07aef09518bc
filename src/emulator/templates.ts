/**
 * Stripe's own example objects (fixtures3.json from stripe/openapi, current API), shipped with the
 * emulator as shape templates: a resource builds its objects from a deep copy, so its top-level keys are
 * Stripe's.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

let cache: Record<string, Record<string, unknown>> | undefined;

function load(): Record<string, Record<string, unknown>> {
  if (!cache) {
    const raw = JSON.parse(
      readFileSync(packagePath('src/emulator/templates/stripe-fixtures.json'), 'utf8'),
    ) as {
      resources: Record<string, Record<string, unknown>>;
    };
    cache = raw.resources;
  }
  return cache;
}

/**
 * Each example compiled once into a function returning it as an object literal. Evaluating a literal
 * builds fresh nested objects every time (a deep copy) from V8's boilerplate, several times faster than
 * JSON.parse of the same text — and the seed builds a million objects from these. JSON text is valid
 * literal syntax (ES2019), and the examples have no `__proto__` key, which a literal would treat as the
 * prototype rather than a property (checked below, so a new fixture cannot slip one in).
 */
const factories = new Map<string, () => Record<string, unknown>>();

export function template(object: string): Record<string, unknown> {
  let make = factories.get(object);
  if (make === undefined) {
    const t = load()[object];
    if (!t) throw new Error(`no Stripe example object for '${object}'`);
    const text = JSON.stringify(t);
    if (text.includes('"__proto__"')) throw new Error(`Stripe example '${object}' has a __proto__ key`);
    make = new Function(`return ${text};`) as () => Record<string, unknown>;
    factories.set(object, make);
  }
  return make();
}

export function hasTemplate(object: string): boolean {
  return object in load();
}
