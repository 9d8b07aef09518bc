/** Which streams a run syncs: configured list (default all) minus exclusions, validated by name. */
import type { Catalog } from '../catalog/registry.js';
import { ConfigError } from '../errors.js';

export function selectStreams(
  catalog: Catalog,
  include: readonly string[] | undefined,
  exclude: readonly string[],
): Set<string> {
  const unknown = [...(include ?? []), ...exclude].filter((n) => !catalog.has(n));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown stream${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (run \`stripe-elt streams\` for the list)`,
    );
  }
  const names = include && include.length > 0 ? include : catalog.names();
  return new Set(names.filter((n) => !exclude.includes(n)));
}

/** Top-level streams whose list must be read: enabled ones and the parents of enabled children. */
export function listedStreams(catalog: Catalog, enabled: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const name of enabled) {
    const s = catalog.get(name);
    if (s.reference) continue;
    if (s.list) out.add(s.name);
    else if (s.parent) {
      let p = catalog.get(s.parent.stream);
      while (!p.list && p.parent) p = catalog.get(p.parent.stream);
      if (p.list) out.add(p.name);
    }
  }
  return [...out].sort();
}
