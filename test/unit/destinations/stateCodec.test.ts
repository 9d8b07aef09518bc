/** The state codec (src/state/stateCodec.ts) as the SQL destinations use it. */
import { describe, expect, it } from 'vitest';
import { EltError } from '../../../src/errors.js';
import { decodeState, encodeState, latestPerKey } from '../../../src/state/stateCodec.js';
import { EVENTS_STATE_STREAM, emptyStreamState } from '../../../src/state/syncState.js';

describe('state codec', () => {
  it('round-trips stream and events state, filling defaults', () => {
    const record = {
      account: 'acct_1',
      stream: 'charges',
      state: { ...emptyStreamState(), createdCursor: 5 },
    };
    expect(decodeState('acct_1', 'charges', encodeState(record))).toEqual(record);
    const events = decodeState('acct_1', EVENTS_STATE_STREAM, '{"version":1,"cursor":10}');
    expect(events.state).toMatchObject({ version: 1, cursor: 10 });
  });

  it('names the row and the field when stored state is invalid', () => {
    expect(() => decodeState('acct_1', 'charges', '{"version":1,"createdCursor":"soon"}')).toThrow(
      /acct_1\/charges is invalid at createdCursor/,
    );
    expect(() => decodeState('acct_1', 'charges', 'not json')).toThrow(EltError);
  });

  it('refuses state written by a newer version instead of misreading it', () => {
    expect(() => decodeState('acct_1', 'charges', '{"version":2}')).toThrow(/newer stripe-elt/);
  });

  it('keeps the last record per account and stream', () => {
    const s = (n: number) => ({ ...emptyStreamState(), createdCursor: n });
    const out = latestPerKey([
      { account: 'a', stream: 'x', state: s(1) },
      { account: 'a', stream: 'y', state: s(2) },
      { account: 'a', stream: 'x', state: s(3) },
    ]);
    expect(out.map((r) => [r.stream, (r.state as { createdCursor: number }).createdCursor])).toEqual([
      ['y', 2],
      ['x', 3],
    ]);
  });
});
