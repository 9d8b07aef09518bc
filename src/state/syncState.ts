/**
 * Versioned sync state (ARCHITECTURE.md §7.3): plain data validated with zod, one record per account and
 * stream, stored in the destination (`_stripe_elt_state`) and saved in the same transaction as the rows
 * it covers — so a crash can never leave state ahead of data.
 */
import { z } from 'zod';

/** A `created` window [gte, lt) of a backfill, with the cursor inside it while it is open. */
export const WindowState = z.object({
  /** Stable id: window splits and page completions address windows by id. */
  id: z.number().int(),
  gte: z.number().int(),
  lt: z.number().int(),
  /** Id of the last object loaded from this window (newest-first paging); null = not started. */
  cursor: z.string().nullable(),
  /** `created` of the cursor object: if it is deleted meanwhile, resume from this second instead. */
  cursorCreated: z.number().int().nullable().default(null),
  done: z.boolean(),
  /** For streams listed in several passes (prices: active=true/false): which pass. */
  pass: z.number().int().default(0),
});
export type WindowState = z.infer<typeof WindowState>;

export const StreamStateV1 = z.object({
  version: z.literal(1),
  backfill: z
    .object({
      /** When this backfill began (unix s): rows not seen since are swept when it finishes a re-backfill. */
      startedAt: z.number(),
      /** Upper bound of the backfill (created < until); later objects come from incremental. */
      until: z.number().int(),
      windows: z.array(WindowState),
      nextWindowId: z.number().int().default(0),
      done: z.boolean(),
      /** A re-backfill after an events gap: unseen rows are swept to `_deleted` when it completes. */
      sweepOnDone: z.boolean().default(false),
    })
    .nullable()
    .default(null),
  /** `created`-cursor incremental: objects created at or after this (minus lookback) are re-listed. */
  createdCursor: z.number().int().nullable().default(null),
  /** Last full re-list for streams with unreliable events. */
  lastReconcileAt: z.number().nullable().default(null),
  /** Metadata key → column name, stable forever once given. */
  metadataColumns: z.record(z.string(), z.string()).default({}),
  /** Top-level fields discovered after the SDK pin → column type. */
  extraColumns: z
    .record(z.string(), z.enum(['text', 'bigint', 'double', 'boolean', 'timestamp', 'decimal', 'json']))
    .default({}),
  /** Last successful sync of this stream (unix s), for `status`. */
  lastSuccessAt: z.number().nullable().default(null),
  /** "no permission" when a restricted key cannot read this stream. */
  lastError: z.string().nullable().default(null),
});
export type StreamState = z.infer<typeof StreamStateV1>;

/** Per-account events cursor (stored under the pseudo-stream `_events`). */
export const EventsStateV1 = z.object({
  version: z.literal(1),
  /** `created` of the newest event applied (unix s), or the anchor time before any was applied. */
  cursor: z.number().int().nullable(),
  /** Id of the newest event applied: the next run pages forward from it with `ending_before`. */
  lastEventId: z.string().nullable().default(null),
  /** Ids of applied events within the overlap window before `cursor`, to deduplicate the re-read. */
  recentIds: z.array(z.string()).default([]),
  lastSuccessAt: z.number().nullable().default(null),
});
export type EventsState = z.infer<typeof EventsStateV1>;

export const EVENTS_STATE_STREAM = '_events';

export function emptyStreamState(): StreamState {
  return StreamStateV1.parse({ version: 1 });
}

/** One row of `_stripe_elt_state`. */
export interface StateRecord {
  account: string;
  stream: string;
  state: StreamState | EventsState;
}
