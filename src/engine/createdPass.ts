/**
 * Incremental sync for streams without events (balance transactions, files): re-list everything created
 * since the cursor minus a lookback. The lookback matters: a balance transaction changes `status` from
 * pending to available with no event, so recent rows are re-read until they settle (tap-stripe uses a
 * lookback for the same reason). The cursor moves to the listing's start time only after every page is
 * queued, so a crash simply repeats the listing.
 */

import type { StreamDefinition } from '../catalog/streamDefinition.js';
import type { StreamState } from '../state/syncState.js';
import { emitParents } from './emit.js';
import { failpoint } from './failpoints.js';
import type { AnyState } from './stateStore.js';
import type { AccountScope, SyncContext } from './syncContext.js';

type Obj = Record<string, unknown>;

export async function runCreatedPass(
  ctx: SyncContext,
  account: AccountScope,
  stream: StreamDefinition,
): Promise<void> {
  const state = ctx.state.stream(account.id, stream.name);
  const spec = stream.list!;
  const since = Math.max(0, (state.createdCursor ?? 0) - ctx.settings.createdLookbackSeconds);
  let startedAt: number | undefined;
  let after: string | undefined;
  for (;;) {
    const { body, serverTime } = await ctx.client.getTimed<{ data: Obj[]; has_more: boolean }>(
      spec.path,
      { limit: 100, ...spec.params, created: { gte: since }, ...(after ? { starting_after: after } : {}) },
      { account: account.header, signal: ctx.signal, counters: ctx.counters(account.id, stream.name) },
    );
    startedAt ??= serverTime;
    failpoint('created.afterPage');
    await emitParents(
      ctx,
      account,
      stream,
      body.data.map((obj) => ({ obj, version: serverTime, deleted: false })),
      [],
    );
    if (!body.has_more || body.data.length === 0) break;
    after = body.data[body.data.length - 1]!.id as string;
  }
  const cursor = startedAt!;
  await ctx.writer.update([
    {
      account: account.id,
      stream: stream.name,
      apply: (s: AnyState) => {
        (s as StreamState).createdCursor = cursor;
      },
    },
  ]);
}
