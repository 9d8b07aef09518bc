/**
 * Deterministic JSON: object keys sorted (code-point order) at every depth, arrays kept in the order the
 * generator built them (it sorts the ones whose order carries no meaning), two-space indent, trailing
 * newline. Byte-identical output across runs and machines is what makes the drift test meaningful.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
