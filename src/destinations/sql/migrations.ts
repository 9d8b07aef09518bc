/**
 * Numbered SQL migrations for our own tables (`migrations/<dialect>/NNN_name.sql`), applied in order by
 * `Destination.init()` and recorded in `_stripe_elt_migrations`, so upgrading stripe-elt upgrades the
 * tables exactly once. The caller runs `applyMigrations` inside one transaction (and, where the
 * warehouse allows concurrent processes, under a lock), with unqualified names resolving to the
 * destination's schema.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EltError } from '../../errors.js';
import { packagePath } from '../../paths.js';
import type { SqlExecutor } from './executor.js';
import { toNumber } from './values.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS_TABLE = '_stripe_elt_migrations';

const FILE = /^(\d+)_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(
  dialect: string,
  dir: string = packagePath('migrations', dialect),
): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE.exec(file);
    if (!m) throw new EltError(`migration file ${file} in ${dir} is not named NNN_name.sql`, false);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version))
      throw new EltError(`two migrations numbered ${version} in ${dir}`, false);
    out.push({ version, name: m[2]!, sql: await readFile(join(dir, file), 'utf8') });
  }
  return out;
}

/** Applies the migrations not yet recorded; returns the versions applied. */
export async function applyMigrations(
  exec: SqlExecutor,
  migrations: readonly Migration[],
): Promise<number[]> {
  const q = (n: string) => exec.dialect.quoteIdentifier(n);
  const table = q(MIGRATIONS_TABLE);
  await exec.query(
    `CREATE TABLE IF NOT EXISTS ${table} (${q('version')} INTEGER PRIMARY KEY, ${q('name')} ${exec.dialect.columnType('text')} NOT NULL, ` +
      `${q('applied_at')} ${exec.dialect.columnType('timestamp')} NOT NULL DEFAULT CURRENT_TIMESTAMP)`,
  );
  const applied = new Set(
    (await exec.query(`SELECT ${q('version')} FROM ${table}`)).rows.map((r) => toNumber(r[0])),
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    await exec.query(m.sql);
    await exec.query(
      `INSERT INTO ${table} (${q('version')}, ${q('name')}) VALUES (${exec.dialect.param(1)}, ${exec.dialect.param(2)})`,
      [m.version, m.name],
    );
    done.push(m.version);
  }
  return done;
}
