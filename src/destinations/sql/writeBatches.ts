/**
 * The body of `Destination.write` for the SQL destinations, run inside the caller's transaction: each
 * non-empty batch through the destination's bulk path (`load`), then child replacement and sweeps (they
 * must see every row of the write: destination.ts, "applied after"), then the state records, so rows and
 * state commit together.
 */
import type { StateRecord } from '../../state/syncState.js';
import type { Batch, WriteStats } from '../destination.js';
import type { SqlExecutor } from './executor.js';
import { replaceChildrenSql, sweepSql } from './merge.js';
import { upsertState } from './stateTable.js';

export interface BatchCounts {
  inserted: number;
  updated: number;
  deleted: number;
}

export async function writeBatches(
  exec: SqlExecutor,
  schema: string,
  batches: readonly Batch[],
  state: readonly StateRecord[],
  load: (batch: Batch, index: number) => Promise<BatchCounts>,
  signal?: AbortSignal,
): Promise<WriteStats> {
  const dialect = exec.dialect;
  const perBatch = batches.map(() => ({ inserted: 0, updated: 0, deleted: 0 }));
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    if (b.rows.length === 0) continue;
    signal?.throwIfAborted();
    perBatch[i] = await load(b, i);
  }
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    const ref = { dialect, schema, spec: b.table };
    const rc = b.replaceChildren;
    if (rc && rc.parentIds.length > 0) {
      signal?.throwIfAborted();
      const res = await exec.query(replaceChildrenSql(ref, rc.column), [
        dialect.encodeText(rc.account),
        rc.parentIds.map(dialect.encodeText),
        rc.version,
        rc.syncedAt,
      ]);
      perBatch[i]!.deleted += res.rowCount;
    }
    if (b.sweep) {
      signal?.throwIfAborted();
      const res = await exec.query(sweepSql(ref), [
        dialect.encodeText(b.sweep.account),
        b.sweep.before,
        b.sweep.version,
      ]);
      perBatch[i]!.deleted += res.rowCount;
    }
  }
  if (state.length > 0) await upsertState(exec, schema, state);
  return {
    inserted: perBatch.reduce((n, b) => n + b.inserted, 0),
    updated: perBatch.reduce((n, b) => n + b.updated, 0),
    deleted: perBatch.reduce((n, b) => n + b.deleted, 0),
    perBatch,
  };
}
