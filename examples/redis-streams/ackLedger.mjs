// Which stream entries a worker may XACK, and when.
//
// The pull front numbers the values of its source 0, 1, 2, ... in the order it reads them (the
// `index` of `fn` and of the monitor). The reader records here, for each index, the stream entry
// id it yielded; the sink records the index of each result it has written. An entry may be acked
// once two things hold for it and for every entry before it:
//   - the pull front has emitted its result: index < monitor.commitIndex (this also covers
//     elements whose result is empty, which the sink never sees);
//   - the sink has finished writing that result to the output stream: index < written.
// The second bound matters because "emitted" is not "written": when the sink is in the middle of
// an XADD for result i, the monitor already counts i as done. Acking it then and dying before the
// XADD lands would lose the result (see docs/resume.md, "take the lower of what the monitor says
// and what your sink has acknowledged"). With orderedWait the results come in index order, so the
// sink's bound is simply "the index after the last result written".
//
// Acking in index order, below both bounds, is what makes the worker at-least-once: an entry is
// acked only after its result is in the output stream, so a crash leaves it pending for XAUTOCLAIM.

/** The ledger of one worker's run of the pull front. */
export class AckLedger {
  /** Entry id of every index read and not yet handed out for acking. */
  #ids = new Map();
  /** Entry ids held (read, not yet acked): lets the reader recognise its own entries when it claims. */
  #held = new Set();
  /** The index the next entry read gets. */
  #next = 0;
  /** Every index below has been handed out for acking. */
  #acked = 0;
  /** Every result of an index below has been written by the sink; Infinity once the run is over. */
  #written = 0;

  /**
   * Records the entry the reader is about to yield.
   *
   * @param {string} id The stream entry id.
   * @returns {number} Its source index in the pull front.
   */
  read(id) {
    this.#ids.set(this.#next, id);
    this.#held.add(id);
    return this.#next++;
  }

  /**
   * Whether an entry is read and not yet acked by this worker.
   *
   * @param {string} id The stream entry id.
   */
  holds(id) {
    return this.#held.has(id);
  }

  /**
   * Records that the sink has written the result of `index` (and, the results being in order,
   * of every index before it).
   *
   * @param {number} index A source index.
   */
  written(index) {
    if (index + 1 > this.#written) this.#written = index + 1;
  }

  /** Records that the pull front is done and the sink has written everything it emitted. */
  finish() {
    this.#written = Infinity;
  }

  /**
   * The entry ids to ack now, in index order, each handed out once.
   *
   * @param {number} commitIndex The monitor's commitIndex.
   * @returns {string[]}
   */
  take(commitIndex) {
    const bound = Math.min(commitIndex, this.#written, this.#next);
    const ids = [];
    for (let index = this.#acked; index < bound; index++) {
      const id = this.#ids.get(index);
      this.#ids.delete(index);
      this.#held.delete(id);
      ids.push(id);
    }
    if (bound > this.#acked) this.#acked = bound;
    return ids;
  }

  /** Entries read and not yet handed out for acking. */
  get outstanding() {
    return this.#next - this.#acked;
  }
}
