/** The per-account scheduler: concurrency bounds, per-endpoint caps, follow-up tasks, failures. */
import { describe, expect, it } from 'vitest';
import { Scheduler, type Task } from '../../../src/engine/scheduler.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Scheduler', () => {
  it('never exceeds the global or per-endpoint limits and runs follow-ups', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const perEndpoint = new Map<string, number>();
    let maxPerEndpoint = 0;
    const done: string[] = [];
    const make = (endpoint: string, id: string, followUps = 0): Task => ({
      endpoint,
      group: endpoint,
      run: async () => {
        inFlight++;
        perEndpoint.set(endpoint, (perEndpoint.get(endpoint) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxPerEndpoint = Math.max(maxPerEndpoint, perEndpoint.get(endpoint)!);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        perEndpoint.set(endpoint, perEndpoint.get(endpoint)! - 1);
        done.push(id);
        return followUps > 0 ? [make(endpoint, `${id}+`, followUps - 1)] : undefined;
      },
    });
    const s = new Scheduler({ concurrency: 4, perEndpoint: 2, classify: () => 'group' });
    for (let i = 0; i < 10; i++) s.push(make(i % 2 ? 'A' : 'B', `t${i}`, 2));
    s.push(make('C', 'c'));
    await s.run();
    expect(done).toHaveLength(31);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(maxPerEndpoint).toBeLessThanOrEqual(2);
    expect(maxInFlight).toBeGreaterThan(2);
  });

  it('drops a failed group and reports it, other groups finish', async () => {
    const failed: string[] = [];
    const ran: string[] = [];
    const s = new Scheduler({
      concurrency: 1,
      perEndpoint: 1,
      classify: () => 'group',
      onGroupFailed: (g) => failed.push(g),
    });
    s.push(
      { endpoint: 'x', group: 'bad', run: async () => Promise.reject(new Error('boom')) },
      { endpoint: 'x', group: 'bad', run: async () => void ran.push('bad2') },
      { endpoint: 'x', group: 'good', run: async () => void ran.push('good') },
    );
    await s.run();
    expect(failed).toEqual(['bad']);
    expect(ran).toEqual(['good']);
  });

  it('reports each endpoint’s backlog (queued + running), dropping a failed group’s queue', async () => {
    const gate = deferred();
    const s = new Scheduler({ concurrency: 2, perEndpoint: 1, classify: () => 'group' });
    const task = (endpoint: string, group: string, fail = false): Task => ({
      endpoint,
      group,
      run: () => gate.promise.then(() => (fail ? Promise.reject(new Error('boom')) : undefined)),
    });
    s.push(
      task('kids', 'k', true),
      task('kids', 'k'),
      task('kids', 'k'),
      task('list', 'l'),
      task('list', 'l'),
    );
    expect(s.backlog('kids')).toBe(3);
    expect(s.backlog('list')).toBe(2);
    const run = s.run();
    // One of each running (per-endpoint cap 1), the rest queued: the counts do not change by starting.
    expect(s.snapshot().inFlight).toBe(2);
    expect(s.backlog('kids')).toBe(3);
    gate.resolve();
    await run;
    expect(s.backlog('kids')).toBe(0);
    expect(s.backlog('list')).toBe(0);
    expect(s.backlog('other')).toBe(0);
  });

  it('a fatal error rejects run()', async () => {
    const gate = deferred();
    const s = new Scheduler({ concurrency: 2, perEndpoint: 2, classify: () => 'fatal' });
    s.push({
      endpoint: 'x',
      group: 'g',
      run: () => gate.promise.then(() => Promise.reject(new Error('fatal'))),
    });
    const run = s.run();
    gate.resolve();
    await expect(run).rejects.toThrow('fatal');
  });

  it('asks onIdle for more work when slots are free', async () => {
    let offered = 0;
    let ran = 0;
    const s = new Scheduler({
      concurrency: 2,
      perEndpoint: 2,
      classify: () => 'group',
      onIdle: () => (offered++ < 3 ? [{ endpoint: 'x', group: 'g', run: async () => void ran++ }] : []),
    });
    await s.run();
    expect(ran).toBe(3);
  });
});
