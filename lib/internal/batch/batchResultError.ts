/**
 * The error every element of a batch fails with when the batch call's answer has the wrong
 * shape: not exactly one array, or (results by position) an array whose length is not the
 * batch's. It goes through `retry` and `onError` like any failed call; without them the output
 * errors with it. The message names the operator, the batch size and what came back.
 */
export class BatchResultError extends Error {
  /** Values in the batch call. */
  readonly batchSize: number;
  /** Items in the answer array; `null` when the answer was not one array. */
  readonly resultLength: number | null;

  /**
   * Made by the batch operators.
   *
   * @param message What is wrong, in full.
   * @param batchSize Values in the batch call.
   * @param resultLength Items in the answer array, or `null` when the answer was not one array.
   */
  constructor(message: string, batchSize: number, resultLength: number | null) {
    super(message);
    this.name = 'BatchResultError';
    this.batchSize = batchSize;
    this.resultLength = resultLength;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
