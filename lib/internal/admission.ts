/**
 * When the next source value may become an entry: the replaceable admission policy. Today's is
 * capacity (Flink's queue capacity): at most `capacity` entries held, counting entries in flight,
 * waiting for a retry, in a fallback, and completed but not emitted. A pull source asks the same
 * policy how many values to request (see docs/architecture.md).
 */
export interface Admission {
  /** Whether one more entry may be admitted while `held` are held. */
  admits(held: number): boolean;
  /** How many more entries may be admitted while `held` are held (Infinity: no bound). */
  room(held: number): number;
}

/** Admission bounded by capacity. */
export class CapacityAdmission implements Admission {
  constructor(readonly capacity: number) {}

  admits(held: number): boolean {
    return held < this.capacity;
  }

  room(held: number): number {
    return this.capacity - held;
  }
}
