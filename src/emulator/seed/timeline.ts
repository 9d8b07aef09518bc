/**
 * Time travel for the seed: work is scheduled at historical instants and run strictly in time order with
 * the emulator clock frozen at each instant, so every `created`, every event and every side effect (a
 * renewal invoice, a payout drawing on the balance) happens "when" it would have on a real account, and
 * later work always sees the state earlier work left behind.
 *
 * Ties (work scheduled for the same second) run in the order they were scheduled, which keeps the seed
 * deterministic and lets a "bulk import" put thousands of objects into one `created` second.
 */
import type { EmulatorClock } from '../clock.js';

export type Task = () => Promise<void> | void;

interface Entry {
  at: number;
  seq: number;
  task: Task;
}

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class Timeline {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private current: number;

  constructor(
    /** First instant of the simulated history (unix seconds). */
    readonly start: number,
    /** The "now" the history leads up to; nothing is scheduled after it. */
    readonly end: number,
  ) {
    this.current = start;
  }

  /** The instant of the task being run (the frozen clock's value). */
  get now(): number {
    return this.current;
  }

  /**
   * Run `task` at `at` (clamped to [now, end]: the past cannot be changed once later work has run).
   * Returns false, scheduling nothing, when `at` is past the end of the history.
   */
  at(at: number, task: Task): boolean {
    const t = Math.max(Math.floor(at), this.current);
    if (t > this.end) return false;
    this.push({ at: t, seq: this.seq++, task });
    return true;
  }

  /** Run `task` `seconds` after the current instant. */
  after(seconds: number, task: Task): boolean {
    return this.at(this.current + seconds, task);
  }

  get pending(): number {
    return this.heap.length;
  }

  /**
   * Run every task in time order, freezing `clock` at each task's instant. A task that throws stops the
   * run, unless `recover` takes the error (returns true): then only that task's remaining work is lost.
   * `tick` hears about progress every 1,000 tasks.
   */
  async run(
    clock: EmulatorClock,
    recover: (err: unknown) => boolean = () => false,
    tick?: (ran: number) => void,
  ): Promise<number> {
    let ran = 0;
    let yielded = performance.now();
    for (let next = this.pop(); next; next = this.pop()) {
      // The work is all promise continuations, which never let timers or I/O run: hand the event loop
      // back every ~50 ms so a process seeding a large account stays responsive (servers, test runners).
      if (ran % 256 === 0 && performance.now() - yielded > 50) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      this.current = next.at;
      clock.freeze(next.at);
      try {
        await next.task();
      } catch (err) {
        if (!recover(err)) throw err;
      }
      ran++;
      if (tick && ran % 1000 === 0) tick(ran);
    }
    return ran;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    if (!top) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const candidate = (k: number) => (k === i ? last : h[k]!);
        if (l < h.length && before(h[l]!, candidate(m))) m = l;
        if (r < h.length && before(h[r]!, candidate(m))) m = r;
        if (m === i) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
