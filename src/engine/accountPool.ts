/**
 * Runs one task per account, at most `concurrency` at once. Stripe's rate limits are per account
 * (docs.stripe.com/rate-limits; STRIPE-API-NOTES §1 and §Connect), so a platform syncing its connected
 * accounts one after the other would leave most of its total budget unused.
 *
 * The first failure aborts the others (they share the key and the destination, so a rejected key or a
 * lost warehouse would fail them too) and is the error thrown; stream-level failures are not failures
 * here, `syncAccount` reports them as outcomes.
 */
import { setMaxListeners } from 'node:events';

export async function forEachAccount<A>(
  accounts: readonly A[],
  concurrency: number,
  signal: AbortSignal,
  task: (account: A, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  const linked = AbortSignal.any([signal, abort.signal]);
  // Every in-flight request and budget wait of the accounts listens on it (as on the run's signal).
  setMaxListeners(10_000, linked);
  let next = 0;
  let firstError: { err: unknown } | null = null;
  const worker = async () => {
    while (next < accounts.length && !linked.aborted) {
      const account = accounts[next++]!;
      try {
        await task(account, linked);
      } catch (err) {
        // Later errors are usually the abort itself reaching the other accounts: keep the cause.
        if (!firstError) {
          firstError = { err };
          abort.abort(err);
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(concurrency, accounts.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (firstError) throw (firstError as { err: unknown }).err;
  signal.throwIfAborted();
}
