/**
 * The set-based merge of a staged batch into its table (ARCHITECTURE.md §7.5), built once per TableSpec
 * from a Dialect. The rules are the Batch contract's (destination.ts):
 *
 * 1. Dedupe the staging table by primary key: highest `_version` wins, the last loaded row (highest
 *    load sequence) wins a tie. Both warehouses refuse or misbehave when one statement upserts the same
 *    key twice (Postgres: "ON CONFLICT DO UPDATE command cannot affect row a second time"; DuckDB applies
 *    only one of them), so dedupe is required whenever a batch repeats a key.
 * 2. `INSERT … ON CONFLICT (pk) DO UPDATE … WHERE t._version <= excluded._version`: an older snapshot
 *    never overwrites a newer one, an equal one does (last write wins).
 * 3. …`AND (t.cols) IS DISTINCT FROM (excluded.cols)`: a re-write of identical rows changes nothing (no
 *    dead tuples, no WAL, and `updated` stays 0 on an idempotent replay).
 * 4. `_synced_at` ("last seen in Stripe") is raised on every conflict, even when the guard keeps the stored
 *    values: sweeps and child replacement rely on it.
 *
 * Values never appear in this SQL: rows arrive through the bulk path, scalars through parameters.
 */
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import { type Dialect, SEQ_COLUMN } from './dialect.js';
import { qualifiedName } from './identifiers.js';

export interface TableRef {
  dialect: Dialect;
  schema: string | null;
  spec: TableSpec;
}

function nonKeyColumns(spec: TableSpec): string[] {
  return spec.columns.map((c) => c.name).filter((n) => !spec.primaryKey.includes(n));
}

/** `t.k = s.k AND …` over the primary key: the stored row (alias `t`) of a source row (alias `s`). */
function keyMatchSql({ dialect, spec }: TableRef): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  return spec.primaryKey.map((k) => `t.${q(k)} = s.${q(k)}`).join(' AND ');
}

/**
 * The SET list of an upsert or update from the row aliased `incoming`: every non-key column takes the
 * incoming value, except `_synced_at`, which only rises (GREATEST with the stored row `t`).
 */
function assignmentsSql({ dialect, spec }: TableRef, incoming: string): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  return nonKeyColumns(spec)
    .map((n) =>
      n === '_synced_at'
        ? `${q(n)} = GREATEST(t.${q(n)}, ${incoming}.${q(n)})`
        : `${q(n)} = ${incoming}.${q(n)}`,
    )
    .join(', ');
}

/**
 * The staged rows converted to the target types, with the target's column names; deduplicated by key
 * when `dedupe` (the caller may skip it for a batch it knows has no repeated key: the window sort over
 * 60 wide columns is the most expensive step of a merge in DuckDB, ~2× a plain insert).
 */
export function sourceSql({ dialect, spec }: TableRef, staging: string, dedupe: boolean): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const typed = spec.columns.map((c) => `${dialect.fromStaging(`d.${q(c.name)}`, c.type)} AS ${q(c.name)}`);
  if (!dedupe) return `SELECT ${typed.join(', ')} FROM ${staging} AS d`;
  const pk = spec.primaryKey.map(q).join(', ');
  const rank = `row_number() OVER (PARTITION BY ${pk} ORDER BY ${q('_version')} DESC, ${q(SEQ_COLUMN)} DESC)`;
  return `SELECT ${typed.join(', ')} FROM (SELECT *, ${rank} AS ${q(RANK_COLUMN)} FROM ${staging}) AS d WHERE d.${q(RANK_COLUMN)} = 1`;
}

const RANK_COLUMN = '_stripe_elt_rank';

/** Distinct primary keys among the rows; fewer than `rows.length` means the merge must dedupe. */
export function distinctKeyCount(spec: TableSpec, rows: readonly Row[]): number {
  const idx = spec.primaryKey.map((k) => spec.columns.findIndex((c) => c.name === k));
  const last = idx.length - 1;
  // Nested maps, one level per key column, compare the parts as values: no key string is built (joining
  // JSON-quoted parts cost ~25 ms per 5 000 rows, mostly in the garbage collector).
  const root = new Map<unknown, unknown>();
  let count = 0;
  for (const row of rows) {
    let level = root;
    for (let j = 0; j < last; j++) {
      const v = row[idx[j]!] ?? null;
      let next = level.get(v) as Map<unknown, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(v, next);
      }
      level = next;
    }
    const v = row[idx[last]!] ?? null;
    if (!level.has(v)) {
      level.set(v, true);
      count++;
    }
  }
  return count;
}

/**
 * True when the incoming row (alias `incoming`) may replace the stored one (alias `stored`): not older, and
 * different in something other than `_synced_at` (which has its own rule: see upsertSql).
 */
export function changeGuardSql({ dialect, spec }: TableRef, stored: string, incoming: string): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const cols = nonKeyColumns(spec).filter((n) => n !== '_synced_at');
  const left = cols.map((n) => `${stored}.${q(n)}`).join(', ');
  const right = cols.map((n) => `${incoming}.${q(n)}`).join(', ');
  return `${stored}.${q('_version')} <= ${incoming}.${q('_version')} AND (${left}) IS DISTINCT FROM (${right})`;
}

/**
 * The upsert of `source` (a SELECT yielding the spec's columns) into the table. Rows failing the guard
 * are left alone here; their `_synced_at` ("last seen in Stripe") is raised by syncedAtBumpSql, which
 * only needs to run when the upsert changed fewer rows than the source has.
 */
export function upsertSql(ref: TableRef, source: string, returning?: string): string {
  const { dialect, schema, spec } = ref;
  const q = (n: string) => dialect.quoteIdentifier(n);
  const cols = spec.columns.map((c) => q(c.name)).join(', ');
  const set = assignmentsSql(ref, 'EXCLUDED');
  const pk = spec.primaryKey.map(q).join(', ');
  const target = qualifiedName(dialect, schema, spec.name);
  return (
    `INSERT INTO ${target} AS t (${cols}) ${source} ON CONFLICT (${pk}) DO UPDATE SET ${set} WHERE ${changeGuardSql(ref, 't', 'EXCLUDED')}` +
    (returning ? ` RETURNING ${returning}` : '')
  );
}

/**
 * The update of stored rows from `source` for tables without a key constraint (no ON CONFLICT): the
 * same SET and guard as upsertSql; keys of `source` must be distinct. Rows of `source` whose key is not
 * stored are ignored (insert them with insertSql over byExistingKeySql(…, false)).
 */
export function updateFromSql(ref: TableRef, source: string): string {
  const { dialect, schema, spec } = ref;
  return `UPDATE ${qualifiedName(dialect, schema, spec.name)} AS t SET ${assignmentsSql(ref, 's')} FROM (${source}) AS s WHERE ${keyMatchSql(ref)} AND ${changeGuardSql(ref, 't', 's')}`;
}

/** A plain insert of `source` (callers make sure no key exists yet). */
export function insertSql(ref: TableRef, source: string): string {
  const { dialect, schema, spec } = ref;
  const cols = spec.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  return `INSERT INTO ${qualifiedName(dialect, schema, spec.name)} (${cols}) ${source}`;
}

/** `source` narrowed to the keys the table already has (`existing`) or does not have yet. */
export function byExistingKeySql(ref: TableRef, source: string, existing: boolean): string {
  const { dialect, schema, spec } = ref;
  const on = keyMatchSql(ref);
  return `SELECT * FROM (${source}) AS s WHERE ${existing ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${qualifiedName(dialect, schema, spec.name)} AS t WHERE ${on})`;
}

/**
 * For warehouses whose upsert can say which rows it inserted (Postgres: a row version with `xmax = 0` is
 * a fresh insert; an updated one carries the updating transaction's id). Returns one row: inserted,
 * updated, deleted (rows written with `_deleted = true` count as deleted only).
 */
export function upsertCountingSql(ref: TableRef, source: string, insertedFlag: string): string {
  const del = `t.${ref.dialect.quoteIdentifier('_deleted')}`;
  const upsert = upsertSql(ref, source, `${insertedFlag} AS ins, ${del} AS del`);
  return (
    `WITH m AS (${upsert}) SELECT count(*) FILTER (WHERE ins AND NOT del) AS inserted, ` +
    `count(*) FILTER (WHERE NOT ins AND NOT del) AS updated, count(*) FILTER (WHERE del) AS deleted FROM m`
  );
}

/**
 * For warehouses whose upsert reports only a changed-row count (DuckDB): how many staged soft deletes
 * will be inserted as new rows and how many will change a stored row. Run before the upsert.
 */
export function stagedDeletesSql(ref: TableRef, source: string): string {
  const { dialect, schema, spec } = ref;
  const q = (n: string) => dialect.quoteIdentifier(n);
  const on = keyMatchSql(ref);
  const firstKey = `t.${q(spec.primaryKey[0]!)}`;
  return (
    `SELECT count(*) FILTER (WHERE ${firstKey} IS NULL) AS new_deleted, ` +
    `count(*) FILTER (WHERE ${firstKey} IS NOT NULL AND ${changeGuardSql(ref, 't', 's')}) AS changed_deleted ` +
    `FROM (${source}) AS s LEFT JOIN ${qualifiedName(dialect, schema, spec.name)} AS t ON ${on} WHERE s.${q('_deleted')}`
  );
}

/** Rows the guard kept are still "seen now": raise their `_synced_at` (destination.ts, Batch). */
export function syncedAtBumpSql(ref: TableRef, source: string): string {
  const { dialect, schema, spec } = ref;
  const q = (n: string) => dialect.quoteIdentifier(n);
  const on = keyMatchSql(ref);
  const synced = q('_synced_at');
  return `UPDATE ${qualifiedName(dialect, schema, spec.name)} AS t SET ${synced} = s.${synced} FROM (${source}) AS s WHERE ${on} AND t.${synced} < s.${synced}`;
}

export function rowCountSql({ dialect, schema, spec }: TableRef): string {
  return `SELECT count(*) FROM ${qualifiedName(dialect, schema, spec.name)}`;
}

/**
 * Children of the listed parents that this write did not touch (`_synced_at` older than the write's)
 * become `_deleted` — the parent no longer lists them. Run after every batch of the write is merged.
 * Parameters: $1 account, $2 parent ids (text array), $3 version, $4 the write's synced-at (unix s).
 */
export function replaceChildrenSql(ref: TableRef, column: string): string {
  const { dialect, schema, spec } = ref;
  const q = (n: string) => dialect.quoteIdentifier(n);
  const p = (i: number) => dialect.param(i);
  return (
    `UPDATE ${qualifiedName(dialect, schema, spec.name)} AS t SET ${q('_deleted')} = TRUE, ${q('_version')} = CAST(${p(3)} AS BIGINT) ` +
    `WHERE t.${q('_account')} = ${p(1)} AND t.${q(column)} IN (SELECT unnest(${dialect.textArrayParam(2)})) ` +
    `AND t.${q('_synced_at')} < ${dialect.timestampFromEpoch(p(4))} AND t.${q('_version')} <= CAST(${p(3)} AS BIGINT) ` +
    `AND t.${q('_deleted')} IS NOT TRUE`
  );
}
/**
 * After a full re-list: live rows of the account not seen since `before` become `_deleted`.
 * Parameters: $1 account, $2 before (unix s), $3 version. Never lowers a row's `_version`.
 */
export function sweepSql({ dialect, schema, spec }: TableRef): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const p = (i: number) => dialect.param(i);
  return (
    `UPDATE ${qualifiedName(dialect, schema, spec.name)} AS t SET ${q('_deleted')} = TRUE, ${q('_version')} = CAST(${p(3)} AS BIGINT) ` +
    `WHERE t.${q('_account')} = ${p(1)} AND t.${q('_synced_at')} < ${dialect.timestampFromEpoch(p(2))} ` +
    `AND t.${q('_deleted')} IS NOT TRUE AND t.${q('_version')} <= CAST(${p(3)} AS BIGINT)`
  );
}
