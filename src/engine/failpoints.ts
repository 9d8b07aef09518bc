/**
 * Named crash points for the crash-safety tests: `STRIPE_ELT_FAILPOINT=backfill.page:3` kills the
 * process with SIGKILL the 3rd time execution passes `failpoint('backfill.page')` — no cleanup, no
 * flush, exactly like a power cut. Without the variable a failpoint is a single comparison.
 */
const spec = process.env.STRIPE_ELT_FAILPOINT;
const [target, countText] = spec ? spec.split(':') : [];
const limit = Number(countText ?? 1) || 1;
let hits = 0;

export function failpoint(name: string): void {
  if (target !== name) return;
  hits++;
  if (hits >= limit) process.kill(process.pid, 'SIGKILL');
}

/** Every failpoint in the engine, for the crash test to enumerate. */
export const FAILPOINTS = [
  'anchor.afterList',
  'backfill.afterPage',
  'backfill.afterEmit',
  'backfill.child',
  'backfill.split',
  'writer.beforeWrite',
  'writer.afterWrite',
  'events.afterList',
  'events.afterApply',
  'created.afterPage',
  'destination.beforeCommit',
] as const;
