/**
 * State records ↔ the JSON stored in `_stripe_elt_state`. Reading validates with the versioned zod shapes
 * (ARCHITECTURE.md §7.3), so a hand-edited or corrupted row, or one written by a newer stripe-elt, stops
 * the run with a message naming the row instead of silently restarting a backfill.
 */
import { EltError } from '../errors.js';
import { EVENTS_STATE_STREAM, EventsStateV1, type StateRecord, StreamStateV1 } from './syncState.js';

/** The newest state version this build reads and writes. */
export const STATE_VERSION = 1;

export function encodeState(record: StateRecord): string {
  return JSON.stringify(record.state);
}

export function decodeState(account: string, stream: string, json: string): StateRecord {
  const where = `state of ${account}/${stream}`;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new EltError(`${where} is not valid JSON`, false, { cause, account, stream });
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new EltError(
      `${where} has version ${version}, written by a newer stripe-elt; upgrade to read it`,
      false,
      { account, stream },
    );
  }
  const schema = stream === EVENTS_STATE_STREAM ? EventsStateV1 : StreamStateV1;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new EltError(`${where} is invalid at ${path}: ${issue?.message ?? 'unknown error'}`, false, {
      account,
      stream,
    });
  }
  return { account, stream, state: parsed.data };
}

/** Last record per (account, stream) wins, order otherwise kept: one write may update a stream twice. */
export function latestPerKey(records: readonly StateRecord[]): StateRecord[] {
  const byKey = new Map<string, StateRecord>();
  for (const r of records) {
    const key = `${r.account}\u0000${r.stream}`;
    byKey.delete(key);
    byKey.set(key, r);
  }
  return [...byKey.values()];
}
