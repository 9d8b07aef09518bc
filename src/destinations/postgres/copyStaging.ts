/**
 * One batch into Postgres: a TEMP staging table (dropped at commit), the rows streamed in with
 * `COPY … FROM STDIN (FORMAT csv)` through pg-copy-streams (pg itself has no COPY API), then the merge
 * of merge.ts: one upsert that reports inserted/updated/deleted (`xmax = 0` marks a tuple this statement
 * inserted; an updated one carries our transaction id), and the `_synced_at` bump only when the version
 * guard kept some rows. Runs inside the caller's transaction, so a failure leaves nothing behind.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Row } from '../../schema/rowBuilder.js';
import type { TableSpec } from '../../schema/tableSpec.js';
import { stagingColumnsSql } from '../sql/ddl.js';
import { type Dialect, SEQ_COLUMN } from '../sql/dialect.js';
import type { SqlExecutor } from '../sql/executor.js';
import {
  distinctKeyCount,
  sourceSql,
  syncedAtBumpSql,
  type TableRef,
  upsertCountingSql,
} from '../sql/merge.js';
import { toNumber } from '../sql/values.js';
import { type CsvEncoder, csvChunks, csvEncoder } from './csvEncoder.js';

interface Compiled {
  ref: TableRef;
  encoder: CsvEncoder;
  stagingColumns: string;
  copyColumns: string;
}

export interface BatchCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

/** Loads batches into the tables of one schema; encoders and column lists are built once per spec. */
export class PgBatchLoader {
  private readonly compiled = new WeakMap<TableSpec, Compiled>();

  constructor(
    private readonly dialect: Dialect,
    private readonly schema: string,
  ) {}

  private compile(spec: TableSpec): Compiled {
    let c = this.compiled.get(spec);
    if (!c) {
      const q = (n: string) => this.dialect.quoteIdentifier(n);
      c = {
        ref: { dialect: this.dialect, schema: this.schema, spec },
        encoder: csvEncoder(spec, this.dialect),
        stagingColumns: stagingColumnsSql(this.dialect, spec),
        copyColumns: [q(SEQ_COLUMN), ...spec.columns.map((col) => q(col.name))].join(', '),
      };
      this.compiled.set(spec, c);
    }
    return c;
  }

  /** Stage, COPY and merge `rows`; `index` makes the staging name unique within the transaction. */
  async load(
    client: PoolClient,
    exec: SqlExecutor,
    spec: TableSpec,
    rows: readonly Row[],
    index: number,
  ): Promise<BatchCounts> {
    const c = this.compile(spec);
    const staging = this.dialect.quoteIdentifier(`_stripe_elt_stg_${index}`);
    await exec.query(`CREATE TEMP TABLE ${staging} (${c.stagingColumns}) ON COMMIT DROP`);
    const copy = client.query(copyFrom(`COPY ${staging} (${c.copyColumns}) FROM STDIN WITH (FORMAT csv)`));
    await pipeline(Readable.from(csvChunks(rows, c.encoder)), copy);
    const keys = distinctKeyCount(spec, rows);
    const source = sourceSql(c.ref, staging, keys < rows.length);
    const res = await exec.query(upsertCountingSql(c.ref, source, '(t.xmax = 0)'));
    const [inserted = 0, updated = 0, deleted = 0] = (res.rows[0] ?? []).map(toNumber);
    // Rows the version guard kept were still seen now: raise their `_synced_at` (only when there are any).
    if (inserted + updated + deleted < keys) await exec.query(syncedAtBumpSql(c.ref, source));
    return { inserted, updated, deleted };
  }
}
