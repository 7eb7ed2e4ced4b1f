/** Linear sub-buckets per power of two: quantiles are read to within 1/16, 6.25 %. */
const STEPS_PER_OCTAVE = 16;
/** Latencies are bucketed in units of 1/64 ms; below one unit a call counts as synchronous. */
const UNITS_PER_MS = 64;
/** Octaves above one unit that get buckets: up to 2^30 / 64 ms, about 4.6 hours. */
const OCTAVES = 30;
/** 2^-o for each octave, so that scaling into an octave is a multiplication, not a division. */
const INVERSE_POWERS = /* @__PURE__ */ Array.from({ length: OCTAVES }, (_, octave) => Math.pow(2, -octave));

/**
 * Call latencies in fixed memory: count, sum and max exactly, quantiles from log-linear buckets
 * (HDR-histogram style). Recording is O(1) with no logarithm, so monitoring can stay on.
 *
 * Bucket 0 holds calls under one unit (read as 0); bucket 1 exactly one unit; bucket
 * 2 + 16·o + s holds latencies in (2^o·(1 + s/16), 2^o·(1 + (s+1)/16)] units.
 */
export class LatencyHistogram {
  count = 0;
  sum = 0;
  max = 0;
  // The regular buckets, then one for latencies beyond the last octave (read as `max`).
  private readonly buckets = new Float64Array(OVERFLOW + 1);

  record(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    this.buckets[bucketOf(ms * UNITS_PER_MS)]++;
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
      if (seen >= rank) return Math.min(upperBound(b) / UNITS_PER_MS, this.max);
    }
    return this.max;
  }
}

/** The bucket of latencies above 2^OCTAVES units (about 4.66 h): its quantile is the max. */
const OVERFLOW = 2 + OCTAVES * STEPS_PER_OCTAVE;

function bucketOf(units: number): number {
  if (units < 1) return 0;
  if (units === 1) return 1;
  // Checked before clz32, which reads its argument as a 32-bit integer.
  if (units > 2 ** OCTAVES) return OVERFLOW;
  // The octave o with 2^o < units <= 2^(o+1): upper bounds are inclusive, so powers of two are bounds.
  const octave = 31 - Math.clz32(Math.ceil(units) - 1);
  const step = Math.ceil((units * INVERSE_POWERS[octave] - 1) * STEPS_PER_OCTAVE) - 1;
  return 2 + octave * STEPS_PER_OCTAVE + step;
}

function upperBound(bucket: number): number {
  if (bucket <= 1) return bucket;
  if (bucket === OVERFLOW) return Infinity;
  const octave = (bucket - 2) >>> 4;
  const step = (bucket - 2) & (STEPS_PER_OCTAVE - 1);
  return Math.pow(2, octave) * (1 + (step + 1) / STEPS_PER_OCTAVE);
}
