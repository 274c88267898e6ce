import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OnDemandWorker, type ThreadWorker } from './on-demand-worker.ts';

class FakeWorker implements ThreadWorker {
  alive = true;
  pending = 0;
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
    this.alive = false;
  }
}

describe('OnDemandWorker', () => {
  let started: FakeWorker[];
  let stopped: FakeWorker[];
  let worker: OnDemandWorker<FakeWorker>;
  beforeEach(() => {
    vi.useFakeTimers();
    started = [];
    stopped = [];
    worker = new OnDemandWorker(
      () => {
        const w = new FakeWorker();
        started.push(w);
        return w;
      },
      1000,
      (w) => stopped.push(w)
    );
  });
  afterEach(() => vi.useRealTimers());

  it('starts on first use only, and keeps one worker while it is used', () => {
    expect(worker.running).toBeNull();
    const first = worker.use();
    vi.advanceTimersByTime(900);
    expect(worker.use()).toBe(first);
    vi.advanceTimersByTime(900);
    expect(worker.running).toBe(first);
    expect(started).toHaveLength(1);
  });

  it('stops once unused for the idle time, but not while it holds work; the next use starts a new one', async () => {
    const first = worker.use()!;
    first.pending = 1;
    vi.advanceTimersByTime(1000);
    expect(first.closed).toBe(false);
    first.pending = 0;
    vi.advanceTimersByTime(1000);
    await Promise.resolve();
    expect(first.closed).toBe(true);
    expect(stopped).toEqual([first]);
    expect(worker.running).toBeNull();
    const second = worker.use();
    expect(second).not.toBe(first);
    expect(started).toHaveLength(2);
  });

  it('replaces a worker that died, and says when none can start', async () => {
    const first = worker.use()!;
    first.alive = false;
    const second = worker.use();
    expect(second).not.toBe(first);
    expect(stopped).toEqual([first]);
    await worker.close();
    expect(second!.closed).toBe(true);

    const none = new OnDemandWorker<FakeWorker>(() => null, 1000);
    expect(none.use()).toBeNull();
  });
});
