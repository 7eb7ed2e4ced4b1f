import { adaptiveLimit } from '../lib';
import { adaptiveSpec } from '../lib/adaptiveLimit';
import { AttemptStart, createLimiter, type Limiter, type ResolvedLimit } from '../lib/internal/limits';

/**
 * The adaptive limits on their own, fed samples by hand: AIMD (additive increase, multiplicative
 * decrease) and the RTT gradient. The gate's use of them is in flowControl.spec.ts and
 * flowProperties.spec.ts; their behaviour against a simulated service is `npm run bench -- --only ADAPT`.
 */

function limiter(config: Parameters<typeof adaptiveLimit>[0], initial: number, max = 100): Limiter {
  const spec = adaptiveSpec(adaptiveLimit(config))!;
  const resolved: ResolvedLimit = { ...spec, initial, max: spec.max ?? max };
  return createLimiter(resolved);
}

/** Feeds samples one after the other, each started after the last: numbering as the gate does. */
class Feeder {
  private seq = 0;
  constructor(private readonly limit: Limiter) {}
  /** An attempt started at `start` and ended at `end` (ms), with `inflight` permits held. */
  sample(start: number, end: number, inflight: number, dropped = false): number {
    const begun = new AttemptStart(++this.seq, start);
    this.limit.sample(begun, end, inflight, dropped, this.seq);
    return this.limit.current;
  }
  /** `count` attempts all started before any ends (a burst), then their outcomes. */
  burst(count: number, start: number, end: number, inflight: number, dropped: boolean): number {
    const started = Array.from({ length: count }, () => new AttemptStart(++this.seq, start));
    for (const begun of started) this.limit.sample(begun, end, inflight, dropped, this.seq);
    return this.limit.current;
  }
}

describe('AIMD', () => {
  it('grows by one per window of successes (as many as the limit) while in use', () => {
    const aimd = limiter({ algorithm: 'aimd' }, 4);
    const feed = new Feeder(aimd);
    const after = Array.from({ length: 4 + 5 + 6 }, () => feed.sample(0, 10, 4));
    expect(after.slice(0, 4)).toEqual([4, 4, 4, 5]);
    expect(after.slice(4, 9)).toEqual([5, 5, 5, 5, 6]);
    expect(after.at(-1)).toBe(7);
  });

  it('does not grow when less than half of the limit is in use', () => {
    const aimd = limiter({ algorithm: 'aimd' }, 10);
    const feed = new Feeder(aimd);
    for (let i = 0; i < 50; i++) feed.sample(0, 10, 4);
    expect(aimd.current).toBe(10);
    for (let i = 0; i < 10; i++) feed.sample(0, 10, 5);
    expect(aimd.current).toBe(11);
  });

  it('multiplies by backoffRatio on a drop, at least one lower, never below min', () => {
    const aimd = limiter({ algorithm: 'aimd', backoffRatio: 0.5, min: 3 }, 20);
    const feed = new Feeder(aimd);
    expect(feed.sample(0, 10, 20, true)).toBe(10);
    expect(feed.sample(0, 10, 10, true)).toBe(5);
    expect(feed.sample(0, 10, 5, true)).toBe(3);
    expect(feed.sample(0, 10, 3, true)).toBe(3);
    const small = limiter({ algorithm: 'aimd' }, 5);
    expect(new Feeder(small).sample(0, 1, 5, true)).toBe(4);
  });

  it('cuts once per burst: drops of calls that started before the cut are not counted again', () => {
    const aimd = limiter({ algorithm: 'aimd', backoffRatio: 0.5 }, 40);
    const feed = new Feeder(aimd);
    expect(feed.burst(30, 0, 10, 40, true)).toBe(20);
    // Calls started after the cut and dropped cut again.
    expect(feed.sample(10, 12, 20, true)).toBe(10);
  });

  it('counts a call slower than `latency` as a drop', () => {
    const aimd = limiter({ algorithm: 'aimd', latency: 50 }, 10);
    expect(aimd.timed).toBe(true);
    const feed = new Feeder(aimd);
    expect(feed.sample(0, 50, 10)).toBe(10);
    expect(feed.sample(0, 51, 10)).toBe(9);
    expect(limiter({ algorithm: 'aimd' }, 10).timed).toBe(false);
  });

  it('stops at max', () => {
    const aimd = limiter({ algorithm: 'aimd', max: 3 }, 3);
    const feed = new Feeder(aimd);
    for (let i = 0; i < 20; i++) feed.sample(0, 1, 3);
    expect(aimd.current).toBe(3);
  });
});

describe('gradient', () => {
  /** Windows of 10 samples with the given RTT and in-flight count, each window 2 RTTs long. */
  function windows(feed: Feeder, count: number, rtt: number, inflight: number, t0: number): number {
    let t = t0;
    for (let w = 0; w < count; w++) {
      for (let i = 0; i < 10; i++) feed.sample(t, t + rtt, inflight);
      t += 2 * rtt + 1;
    }
    return t;
  }

  it('grows while the latency holds steady and the limit is in use', () => {
    const gradient = limiter({ algorithm: 'gradient' }, 10, 30);
    const feed = new Feeder(gradient);
    windows(feed, 5, 10, 10, 0);
    // Each window: limit + (limit + 4 - limit) * 0.2 = limit + 0.8.
    expect(gradient.current).toBe(14);
    windows(feed, 100, 10, 30, 1000);
    expect(gradient.current).toBe(30);
  });

  it('shrinks when queueing raises the short-term latency beyond the tolerance', () => {
    const gradient = limiter({ algorithm: 'gradient' }, 40);
    const feed = new Feeder(gradient);
    const t = windows(feed, 20, 10, 40, 0);
    const before = gradient.current;
    windows(feed, 3, 40, 40, t);
    expect(gradient.current).toBeLessThan(before);
    // By at most half per window before smoothing: 0.9 per window, at the steepest.
    expect(gradient.current).toBeGreaterThanOrEqual(Math.floor(before * 0.9 ** 3));
  });

  it('leaves the limit alone while less than half of it is in use', () => {
    const gradient = limiter({ algorithm: 'gradient' }, 20);
    const feed = new Feeder(gradient);
    windows(feed, 10, 10, 9, 0);
    expect(gradient.current).toBe(20);
  });

  it('multiplies by backoffRatio on a drop (by default 0.5), once per burst', () => {
    const gradient = limiter({ algorithm: 'gradient' }, 20);
    const feed = new Feeder(gradient);
    expect(feed.burst(10, 0, 5, 20, true)).toBe(10);
    expect(feed.sample(5, 7, 10, true)).toBe(5);
    const gentle = limiter({ algorithm: 'gradient', backoffRatio: 0.8 }, 20);
    expect(new Feeder(gentle).sample(0, 5, 20, true)).toBe(16);
  });

  it('settles where queueing keeps latency near `tolerance` times the long-term latency', () => {
    // A service with 10 servers and 10 ms calls: n calls in flight take max(10, n) ms.
    const gradient = limiter({ algorithm: 'gradient' }, 10, 200);
    const feed = new Feeder(gradient);
    let t = 0;
    const after: number[] = [];
    for (let w = 1; w <= 400; w++) {
      const n = gradient.current;
      const rtt = Math.max(10, n);
      for (let i = 0; i < 10; i++) feed.sample(t, t + rtt, n);
      t += 2 * rtt + 1;
      after[w] = gradient.current;
    }
    // The long-term latency learnt while the limit grew from 10 is about 14 ms, so it settles
    // near 1.5 x 14 = 21 in flight (21 ms), far below max. It then creeps up only as the long-term
    // average (time constant 60 s) moves towards 21 ms: over this run's 18 s, by about a quarter of
    // the 7 ms gap, so the limit by 1.5 x 7 / 4, about 3 (Netflix's Gradient2 drifts the same way).
    expect(after[40]).toBeGreaterThanOrEqual(18);
    expect(after[40]).toBeLessThanOrEqual(22);
    expect(after[400] - after[40]).toBeGreaterThanOrEqual(0);
    expect(after[400] - after[40]).toBeLessThanOrEqual(5);
  });

  it('recovers after overload: a long-term latency far above the short-term one decays', () => {
    const gradient = limiter({ algorithm: 'gradient', longTerm: 3_600_000 }, 20, 200);
    const feed = new Feeder(gradient);
    // Warm up the long-term latency at 100 ms, then the service gets fast again (10 ms).
    let t = windows(feed, 10, 100, 20, 0);
    t = windows(feed, 60, 10, 200, t);
    expect(gradient.current).toBeGreaterThan(20);
    const grown = gradient.current;
    // Queueing at 3x the new normal must shrink it. Without the decay the long-term average (an
    // hour's time constant) would still be near 100 ms, and 30 ms would look like no queueing at all.
    windows(feed, 5, 30, 200, t);
    expect(gradient.current).toBeLessThan(grown);
  });
});
