/**
 * Identifier validation and quoting shared by the SQL dialects. Names come from Stripe field names and
 * sanitised metadata keys, but a destination must stay safe whatever it is handed: every identifier is
 * double-quoted with embedded quotes doubled (SQL standard; postgresql.org/docs/current/sql-syntax-lexical.html,
 * duckdb.org/docs/stable/sql/dialect/keywords_and_identifiers), and names that a warehouse would
 * silently truncate (Postgres NAMEDATALEN − 1 = 63 bytes) or reject (U+0000) are refused up front.
 */
import { EltError } from '../../errors.js';
import { SYSTEM_COLUMNS, type TableSpec } from '../../schema/tableSpec.js';
import { type Dialect, INTERNAL_PREFIX } from './dialect.js';

export function checkIdentifier(name: string, maxBytes: number): void {
  if (name.length === 0) throw new EltError('empty SQL identifier', false);
  if (name.includes('\u0000'))
    throw new EltError(`SQL identifier ${JSON.stringify(name)} contains U+0000`, false);
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxBytes) {
    throw new EltError(
      `SQL identifier ${JSON.stringify(name)} is ${bytes} bytes; this destination allows at most ${maxBytes}`,
      false,
    );
  }
}

export function quoteIdentifierChecked(name: string, maxBytes: number): string {
  checkIdentifier(name, maxBytes);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, or just `"table"` without a schema. */
export function qualifiedName(dialect: Dialect, schema: string | null, table: string): string {
  const t = dialect.quoteIdentifier(table);
  return schema === null ? t : `${dialect.quoteIdentifier(schema)}.${t}`;
}

/**
 * A spec this destination can create: valid names, no two columns the warehouse would see as one, no
 * use of our reserved prefix, and a primary key made of its own columns.
 */
export function checkTableSpec(dialect: Dialect, spec: TableSpec): void {
  dialect.quoteIdentifier(spec.name);
  if (spec.name.startsWith(INTERNAL_PREFIX))
    throw new EltError(`table name ${spec.name} uses the reserved prefix ${INTERNAL_PREFIX}`, false);
  const seen = new Map<string, string>();
  for (const col of spec.columns) {
    dialect.quoteIdentifier(col.name);
    if (col.name.startsWith(INTERNAL_PREFIX)) {
      throw new EltError(
        `column ${col.name} of ${spec.name} uses the reserved prefix ${INTERNAL_PREFIX}`,
        false,
      );
    }
    const folded = dialect.foldIdentifier(col.name);
    const other = seen.get(folded);
    if (other !== undefined) {
      throw new EltError(
        `columns ${JSON.stringify(other)} and ${JSON.stringify(col.name)} of ${spec.name} are the same name in ${dialect.name}`,
        false,
      );
    }
    seen.set(folded, col.name);
  }
  for (const sys of SYSTEM_COLUMNS) {
    if (!spec.columns.some((c) => c.name === sys.name && c.type === sys.type)) {
      throw new EltError(`table ${spec.name} lacks the system column ${sys.name} (${sys.type})`, false);
    }
  }
  if (spec.primaryKey.length === 0) throw new EltError(`table ${spec.name} has no primary key`, false);
  for (const k of spec.primaryKey) {
    if (!spec.columns.some((c) => c.name === k))
      throw new EltError(`primary key column ${k} is not a column of ${spec.name}`, false);
  }
}
