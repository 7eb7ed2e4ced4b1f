/** Sub-buckets per power of two: quantiles are read to within 2^(1/8), about 9 %. */
const STEPS_PER_OCTAVE = 8;
/** The smallest latency told apart from zero, in milliseconds (1/64 ms). */
const SMALLEST = 1 / 64;
/** Octaves above SMALLEST that get buckets: up to 2^30 / 64 ms, about 4.6 hours. */
const OCTAVES = 30;

/**
 * Call latencies in fixed memory: count, sum and max exactly, quantiles from log-spaced buckets.
 * O(1) to record, so monitoring can stay on in production.
 */
export class LatencyHistogram {
  count = 0;
  sum = 0;
  max = 0;
  // Bucket 0 is "under SMALLEST" (synchronous calls); bucket b > 0 holds values up to bound(b).
  private readonly buckets = new Float64Array(OCTAVES * STEPS_PER_OCTAVE + 2);

  record(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    let bucket = 0;
    if (ms >= SMALLEST) {
      bucket = Math.ceil(Math.log2(ms / SMALLEST) * STEPS_PER_OCTAVE) + 1;
      if (bucket >= this.buckets.length) bucket = this.buckets.length - 1;
    }
    this.buckets[bucket]++;
  }

  /** Records `n` calls that took no time (they completed synchronously). */
  recordZeros(n: number): void {
    this.count += n;
    this.buckets[0] += n;
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** The latency that a fraction `q` of calls did not exceed, to bucket precision, never above max. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let b = 0; b < this.buckets.length; b++) {
      seen += this.buckets[b];
      if (seen >= rank) return b === 0 ? 0 : Math.min(SMALLEST * Math.pow(2, (b - 1) / STEPS_PER_OCTAVE), this.max);
    }
    return this.max;
  }
}
