/**
 * Runs API work for one account with bounded concurrency: at most `concurrency` tasks in flight, and at
 * most `perEndpoint` on any one rate-limit endpoint, so a stream with many windows cannot occupy every
 * slot while its endpoint's 25 req/s is the bottleneck and other endpoints sit idle. Tasks may return
 * follow-up tasks (the next page, per-parent child fetches). When slots are free and the queue is empty,
 * `onIdle` can supply more (splitting a long window).
 */
import { setMaxListeners } from 'node:events';

export interface Task {
  /** Rate-limit endpoint the task's request counts against. */
  endpoint: string;
  /** Group (stream) the task belongs to: a failed group's queued tasks are dropped. */
  group: string;
  /**
   * Rows the task is expected to hand to the writer (a list page: its limit). Tasks with rows wait for
   * admission (`SchedulerOptions.admit`) before they run; the estimate need not be exact.
   */
  rows?: number;
  run(signal: AbortSignal): Promise<Task[] | undefined>;
}

export interface SchedulerOptions {
  concurrency: number;
  perEndpoint: number;
  /** Decide what a task failure means: 'fatal' aborts everything, 'group' drops that group's tasks. */
  classify(error: unknown, task: Task): 'fatal' | 'group';
  onGroupFailed?(group: string, error: unknown): void;
  onIdle?(): Task[];
  /**
   * Waits until the writer has room for `rows` more and reserves it; resolves to the function that gives
   * the reservation back, called when the task ends (BatchWriter.reserve). A task waiting here holds
   * its slot: that is the point, requests are not sent while their pages would have nowhere to go.
   */
  admit?(rows: number, signal: AbortSignal): Promise<() => void>;
  signal?: AbortSignal;
}

export class Scheduler {
  private readonly queue: Task[] = [];
  private inFlight = 0;
  private readonly perEndpoint = new Map<string, number>();
  /** Queued tasks per endpoint. */
  private readonly queuedPerEndpoint = new Map<string, number>();
  private readonly failedGroups = new Set<string>();
  private readonly abort = new AbortController();
  private fatal: unknown;
  private wake?: () => void;

  constructor(private readonly opts: SchedulerOptions) {
    // Every slot waiting for admission listens on it (up to `concurrency` at once).
    setMaxListeners(Math.max(10, opts.concurrency + 10), this.abort.signal);
    opts.signal?.addEventListener('abort', () => this.abort.abort(opts.signal?.reason), { once: true });
  }

  push(...tasks: Task[]): void {
    for (const t of tasks) {
      if (this.failedGroups.has(t.group)) continue;
      this.queue.push(t);
      this.count(this.queuedPerEndpoint, t.endpoint, 1);
    }
    this.wake?.();
  }

  /**
   * Work known for `endpoint`: tasks queued plus running. The rate budget ranks endpoints by it
   * (rateBudget.ts, priority): the endpoint with the longest queue is the one the run waits for.
   */
  backlog(endpoint: string): number {
    return (this.queuedPerEndpoint.get(endpoint) ?? 0) + (this.perEndpoint.get(endpoint) ?? 0);
  }

  private count(map: Map<string, number>, endpoint: string, delta: number): void {
    map.set(endpoint, (map.get(endpoint) ?? 0) + delta);
  }

  /** What is queued and running now, per endpoint: for periodic debug logs (where does the time go?). */
  snapshot(): { queued: number; inFlight: number; perEndpoint: Record<string, number> } {
    const perEndpoint: Record<string, number> = {};
    for (const [k, n] of this.perEndpoint) if (n > 0) perEndpoint[k] = n;
    return { queued: this.queue.length, inFlight: this.inFlight, perEndpoint };
  }

  groupFailed(group: string): boolean {
    return this.failedGroups.has(group);
  }

  async run(): Promise<void> {
    for (;;) {
      if (this.fatal) throw this.fatal;
      this.abort.signal.throwIfAborted();
      this.startWhatFits();
      if (this.inFlight === 0 && this.queue.length === 0) {
        const more = this.opts.onIdle?.() ?? [];
        if (more.length === 0) return;
        this.push(...more);
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private startWhatFits(): void {
    let i = 0;
    while (this.inFlight < this.opts.concurrency && i < this.queue.length) {
      const t = this.queue[i]!;
      if ((this.perEndpoint.get(t.endpoint) ?? 0) >= this.opts.perEndpoint) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.count(this.queuedPerEndpoint, t.endpoint, -1);
      this.start(t);
    }
    // Free slots with an empty queue: ask for more work (window splits) without waiting for a task to end.
    if (this.inFlight < this.opts.concurrency && this.queue.length === 0 && this.inFlight > 0) {
      const more = this.opts.onIdle?.() ?? [];
      if (more.length > 0) {
        this.push(...more);
        this.startWhatFits();
      }
    }
  }

  private async runAdmitted(t: Task): Promise<Task[] | undefined> {
    const release = t.rows && this.opts.admit ? await this.opts.admit(t.rows, this.abort.signal) : undefined;
    try {
      // Its group may have failed while it waited: its request is no longer wanted.
      if (release && this.failedGroups.has(t.group)) return undefined;
      return await t.run(this.abort.signal);
    } finally {
      release?.();
    }
  }

  private start(t: Task): void {
    this.inFlight++;
    this.count(this.perEndpoint, t.endpoint, 1);
    this.runAdmitted(t)
      .then((next) => {
        if (next && !this.failedGroups.has(t.group)) this.push(...next);
      })
      .catch((err: unknown) => {
        if (this.abort.signal.aborted && !this.fatal) return;
        if (this.opts.classify(err, t) === 'fatal') {
          this.fatal ??= err;
          this.abort.abort(err);
          return;
        }
        if (!this.failedGroups.has(t.group)) {
          this.failedGroups.add(t.group);
          for (let k = this.queue.length - 1; k >= 0; k--)
            if (this.queue[k]!.group === t.group)
              this.count(this.queuedPerEndpoint, this.queue.splice(k, 1)[0]!.endpoint, -1);
          this.opts.onGroupFailed?.(t.group, err);
        }
      })
      .finally(() => {
        this.inFlight--;
        this.count(this.perEndpoint, t.endpoint, -1);
        this.wake?.();
      });
  }
}
