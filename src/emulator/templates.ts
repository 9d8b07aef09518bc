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

/** Each example as JSON text: parsing it is a deep copy twice as fast as structuredClone (a hot path). */
const textCache = new Map<string, string>();

export function template(object: string): Record<string, unknown> {
  let text = textCache.get(object);
  if (text === undefined) {
    const t = load()[object];
    if (!t) throw new Error(`no Stripe example object for '${object}'`);
    text = JSON.stringify(t);
    textCache.set(object, text);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

export function hasTemplate(object: string): boolean {
  return object in load();
}
