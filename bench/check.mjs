// Output checks. A sink records the first fault instead of throwing, because a throw inside an
// rxjs `next` or a stream 'data' handler would be reported asynchronously (or swallowed) rather
// than failing the run; `verify` throws once the run is over.

/** For peers that promise source order: every value must be exactly the next index. */
export class OrderedSink {
  expected = 0;
  fault = null;

  next(value) {
    if (value !== this.expected && this.fault === null) {
      this.fault = `value #${this.expected} is ${String(value)}, expected ${this.expected} (out of order)`;
    }
    this.expected++;
  }

  verify(label, n) {
    if (this.fault !== null) throw new CheckError(`${label}: ${this.fault}`);
    if (this.expected !== n) throw new CheckError(`${label}: emitted ${this.expected} values, expected ${n}`);
  }
}

/** For unordered peers: every index exactly once (count, and a bitmap of the indexes seen). */
export class UnorderedSink {
  count = 0;
  fault = null;

  constructor(n) {
    this.seen = new Uint8Array(n);
  }

  next(value) {
    if (this.seen[value] !== 0) {
      // Also catches a value that is not an index in range: reading outside gives undefined.
      if (this.fault === null) this.fault = `emitted ${String(value)} twice or outside 0..${this.seen.length - 1}`;
    } else {
      this.seen[value] = 1;
    }
    this.count++;
  }

  verify(label, n) {
    if (this.fault !== null) throw new CheckError(`${label}: ${this.fault}`);
    if (this.count !== n) throw new CheckError(`${label}: emitted ${this.count} values, expected ${n}`);
  }
}

export class CheckError extends Error {
  name = 'CheckError';
}

export function sinkFor(peer, n) {
  return peer.ordering === 'ordered' ? new OrderedSink() : new UnorderedSink(n);
}
