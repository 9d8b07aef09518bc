/**
 * The engine's view of `_stripe_elt_state`: what is durable (committed with the rows it covers). Work in
 * progress never writes here directly; it hands updates to the BatchWriter, which applies them to a copy
 * and commits that copy in the same transaction as the rows (ARCHITECTURE.md §5.5).
 */
import {
  EVENTS_STATE_STREAM,
  type EventsState,
  EventsStateV1,
  type StateRecord,
  type StreamState,
  StreamStateV1,
} from '../state/syncState.js';

/** Table-level records (metadata column names, discovered fields) are shared by all accounts. */
export const TABLE_ACCOUNT = '*';

export type AnyState = StreamState | EventsState;
export type StateUpdate = { account: string; stream: string; apply: (state: AnyState) => void };

const keyOf = (account: string, stream: string) => `${account}\u0000${stream}`;

export class StateStore {
  private readonly durable = new Map<string, AnyState>();

  constructor(records: readonly StateRecord[] = []) {
    for (const r of records) this.durable.set(keyOf(r.account, r.stream), parse(r.stream, r.state));
  }

  stream(account: string, stream: string): StreamState {
    return structuredClone(
      (this.durable.get(keyOf(account, stream)) as StreamState | undefined) ??
        StreamStateV1.parse({ version: 1 }),
    );
  }

  events(account: string): EventsState {
    return structuredClone(
      (this.durable.get(keyOf(account, EVENTS_STATE_STREAM)) as EventsState | undefined) ??
        EventsStateV1.parse({ version: 1, cursor: null }),
    );
  }

  /** Apply updates to copies; returns the records to commit and a function making them durable. */
  stage(updates: readonly StateUpdate[]): { records: StateRecord[]; commit: () => void } {
    const staged = new Map<string, StateRecord>();
    for (const u of updates) {
      const k = keyOf(u.account, u.stream);
      let rec = staged.get(k);
      if (!rec) {
        const current =
          u.stream === EVENTS_STATE_STREAM ? this.events(u.account) : this.stream(u.account, u.stream);
        rec = { account: u.account, stream: u.stream, state: current };
        staged.set(k, rec);
      }
      u.apply(rec.state);
    }
    const records = [...staged.values()];
    return {
      records,
      commit: () => {
        for (const r of records) this.durable.set(keyOf(r.account, r.stream), r.state);
      },
    };
  }

  /** Forget state (reset): the next run backfills these streams again. */
  forget(account: string, stream: string): void {
    this.durable.delete(keyOf(account, stream));
  }

  all(): StateRecord[] {
    return [...this.durable.entries()].map(([k, state]) => {
      const [account, stream] = k.split('\u0000') as [string, string];
      return { account, stream, state };
    });
  }
}

function parse(stream: string, state: unknown): AnyState {
  return stream === EVENTS_STATE_STREAM ? EventsStateV1.parse(state) : StreamStateV1.parse(state);
}
