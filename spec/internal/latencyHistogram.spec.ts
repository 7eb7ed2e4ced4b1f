import fc from 'fast-check';
import { LatencyHistogram } from '../../lib/internal/latencyHistogram';

/** Bucket precision: quantiles are bucket upper bounds, 16 linear buckets per power of two. */
const STEP = 1 + 1 / 16;

/** The exact q-quantile by nearest rank, as the histogram defines it (rank = ceil(q * count)). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

function histogramOf(values: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  values.forEach((v) => histogram.record(v));
  return histogram;
}

describe('LatencyHistogram', () => {
  it('reads all zero before the first call', () => {
    const histogram = new LatencyHistogram();
    expect([histogram.count, histogram.sum, histogram.max, histogram.mean]).toEqual([0, 0, 0, 0]);
    expect([histogram.quantile(0.5), histogram.quantile(0.99)]).toEqual([0, 0]);
  });

  it('keeps count, sum, mean and max exactly', () => {
    const histogram = histogramOf([2, 3, 5, 10]);
    expect(histogram.count).toBe(4);
    expect(histogram.sum).toBe(20);
    expect(histogram.mean).toBe(5);
    expect(histogram.max).toBe(10);
  });

  it('puts synchronous calls (0 ms, and anything under 1/64 ms) at 0', () => {
    const histogram = histogramOf([0, 0, 0.01, 4]);
    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.quantile(0.75)).toBe(0);
    expect(histogram.quantile(1)).toBe(4);
  });

  it('recordZeros(n) adds n synchronous calls at once, as n record(0) would', () => {
    const batched = histogramOf([4, 8]);
    batched.recordZeros(3);
    const single = histogramOf([4, 8, 0, 0, 0]);
    expect([batched.count, batched.sum, batched.max, batched.mean]).toEqual([
      single.count,
      single.sum,
      single.max,
      single.mean,
    ]);
    expect([0.5, 0.7, 0.99].map((q) => batched.quantile(q))).toEqual([0.5, 0.7, 0.99].map((q) => single.quantile(q)));
    expect(batched.quantile(0.5)).toBe(0);
  });

  it('reads a quantile as its bucket upper bound: never below the exact value, at most 1/16 (6.25 %) above', () => {
    const histogram = histogramOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
    const p50 = histogram.quantile(0.5);
    expect(p50).toBeGreaterThanOrEqual(5);
    expect(p50).toBeLessThanOrEqual(5 * STEP);
    expect(histogram.quantile(0.99)).toBe(100);
  });

  it('never reads a quantile above the maximum', () => {
    const histogram = histogramOf([3, 3, 3]);
    expect(histogram.quantile(0.5)).toBe(3);
    expect(histogram.quantile(0.99)).toBe(3);
  });

  it('reads powers of two exactly (they are bucket bounds)', () => {
    for (const ms of [1 / 64, 1, 2, 1024, 65536]) {
      expect(histogramOf([ms, ms * 4]).quantile(0.5)).toBe(ms);
    }
  });

  it('keeps latencies above its top bucket (about 4.6 hours) in count, mean and max', () => {
    const day = 24 * 3600 * 1000;
    const histogram = histogramOf([day, day]);
    expect(histogram.max).toBe(day);
    expect(histogram.mean).toBe(day);
    // Above the top bucket, a quantile is read as the max (it used to saturate at 2^30/64 ms).
    expect(histogram.quantile(0.5)).toBe(day);
    const mixed = histogramOf([1, 2, 30 * day]);
    expect([mixed.quantile(0.5), mixed.quantile(0.99)]).toEqual([2, 30 * day]);
  });

  it('p50 and p99 are within bucket precision of the exact quantiles (random runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1 / 64, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9, 0.99, 1),
        (values, q) => {
          const histogram = histogramOf(values);
          const exact = exactQuantile(values, q);
          const read = histogram.quantile(q);
          // A hair of slack below for floating-point error in log2 at bucket bounds.
          expect(read).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
          expect(read).toBeLessThanOrEqual(Math.min(exact * STEP * (1 + 1e-9), histogram.max));
          expect(histogram.count).toBe(values.length);
          expect(histogram.max).toBe(Math.max(...values));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});
