/**
 * Keeps the extractor's heap near a target instead of letting V8 grow it.
 *
 * Why: a backfill allocates fast (list pages, rows, COPY buffers) and most of it dies within a batch, but
 * V8 sizes the old generation from the allocation rate, not from what is live: on the `medium` seed the
 * live set stayed near 110 MB while the heap grew to 320 MB and the process to 490 MB resident. Node's
 * heap limit can only be set on the command line (`--max-old-space-size`; `v8.setFlagsFromString` has no
 * effect once the heap exists), which `stripe-elt` cannot control for its users, so instead a full
 * collection is requested when the used heap passes the target. The same run then peaked at ~230 MB
 * resident for ~10 CPU-s more over 150 s (the sync is rate-bound: CPU is what it has to spare).
 * The target is not a limit: a live set above it only means more frequent collections.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | undefined;

function collector(): () => void {
  if (!collect) {
    // `gc` exists only with --expose-gc; the flag does take effect for a new context at runtime.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  return collect;
}

export class HeapGuard {
  private timer?: NodeJS.Timeout;
  collections = 0;

  constructor(private readonly targetBytes: number) {}

  /** Used heap right after the last collection we asked for: the live set. */
  private live = 0;

  /**
   * Collect now if the used heap is past the target, or past 1.5× the live set when that is larger (a
   * process whose live data exceeds the target, e.g. a test running the emulator in-process, must not
   * collect on every check).
   */
  check(): void {
    if (this.targetBytes <= 0) return;
    if (v8.getHeapStatistics().used_heap_size < Math.max(this.targetBytes, this.live * 1.5)) return;
    collector()();
    this.collections++;
    this.live = v8.getHeapStatistics().used_heap_size;
  }

  /** Check every `ms` until stopped (the timer does not keep the process alive). */
  start(ms = 250): this {
    this.timer ??= setInterval(() => this.check(), ms);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
