/**
 * Backfill windows over `created`. Lists are newest-first, so progress inside a window is the cursor of
 * the last object loaded — never "max created seen" (ARCHITECTURE.md §5.2). Windows start equal in time;
 * a window with much left can be split while it runs, so idle capacity picks up the older half.
 */
import type { WindowState } from '../state/syncState.js';

export interface WindowPlan {
  from: number;
  until: number;
  count: number;
  passes: number;
  createdFilter: boolean;
}

export function planWindows(plan: WindowPlan): { windows: WindowState[]; nextWindowId: number } {
  const windows: WindowState[] = [];
  let id = 0;
  for (let pass = 0; pass < plan.passes; pass++) {
    if (!plan.createdFilter) {
      windows.push({
        id: id++,
        gte: 0,
        lt: plan.until,
        cursor: null,
        cursorCreated: null,
        done: false,
        pass,
      });
      continue;
    }
    const span = Math.max(1, plan.until - plan.from);
    const n = Math.max(1, Math.min(plan.count, Math.ceil(span / 3600)));
    for (let i = 0; i < n; i++) {
      const gte = plan.from + Math.floor((span * i) / n);
      const lt = i === n - 1 ? plan.until : plan.from + Math.floor((span * (i + 1)) / n);
      windows.push({ id: id++, gte, lt, cursor: null, cursorCreated: null, done: false, pass });
    }
  }
  return { windows, nextWindowId: id };
}

/** Unexplored span of a window in seconds (from its lower bound to where its cursor has reached). */
export function remainingSpan(w: WindowState): number {
  const top = w.cursorCreated ?? w.lt;
  return Math.max(0, top - w.gte);
}

/** Split point for a window with enough unexplored range, or undefined. */
export function splitPoint(w: WindowState, minSpan = 3600): number | undefined {
  if (w.done) return undefined;
  const span = remainingSpan(w);
  if (span < 2 * minSpan) return undefined;
  return w.gte + Math.floor(span / 2);
}
