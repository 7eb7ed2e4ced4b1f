/**
 * The error an {@link orderedWait} or {@link unorderedWait} output fails with when an element's
 * call outlives the timeout and no `onTimeout` fallback is configured. It carries the element, so
 * the failure can be traced to the call that hung.
 */
export class AsyncTimeoutError extends Error {
  /** The source value whose call timed out. */
  readonly value: unknown;
  /** The value's position in the source, from 0. */
  readonly index: number;
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeout: number;

  /**
   * Made by the operators; exported so that tests and fallbacks can build the same error.
   *
   * @param value The source value whose call timed out.
   * @param index The value's position in the source, from 0.
   * @param timeout The timeout that was exceeded, in milliseconds.
   */
  constructor(value: unknown, index: number, timeout: number) {
    super(`Async call for the element at index ${index} did not complete within ${timeout} ms`);
    // Set on the instance, not only the prototype, so that `name` survives structured cloning and
    // shows in every logger.
    this.name = 'AsyncTimeoutError';
    this.value = value;
    this.index = index;
    this.timeout = timeout;
    // Down-levelled `extends Error` loses the prototype chain; restore it so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/**
 * The reason an element's signal is aborted with when the subscription ends before its result
 * (unsubscribed, or the output errored because of another element): a DOMException named
 * 'AbortError', which is what `fetch` users check for, with a message that says what ended it.
 * A timed-out element's reason is its AsyncTimeoutError; a failed one's, the error it failed with.
 */
export function teardownReason(
  operator: string,
  status: 'active' | 'completed' | 'errored' | 'unsubscribed',
): DOMException {
  const why = status === 'errored' ? 'the output errored' : 'the subscription was unsubscribed';
  return new DOMException(`${operator}: ${why} before this element's result`, 'AbortError');
}

/**
 * The error an output fails with when a value arrives while the input buffer already holds
 * `bufferSize` values and `overflow` is 'error' (the default): nothing is dropped silently.
 * It carries the counts, to size the buffer or find the burst.
 */
export class BufferOverflowError extends Error {
  /** The buffer's size: values it held when this one arrived. */
  readonly bufferSize: number;
  /** Values received from the source, this one included. */
  readonly received: number;
  /** Entries held (counted against capacity) when it arrived. */
  readonly held: number;

  /**
   * Made by the operators.
   *
   * @param operator The operator's name, for the message.
   * @param bufferSize The buffer's size.
   * @param received Values received from the source, the one that did not fit included.
   * @param held Entries held when the value arrived.
   */
  constructor(operator: string, bufferSize: number, received: number, held: number) {
    super(
      `${operator}: the input buffer is full (bufferSize ${bufferSize}, ${held} held, ` +
        `${received} received): value ${received - 1} does not fit`,
    );
    this.name = 'BufferOverflowError';
    this.bufferSize = bufferSize;
    this.received = received;
    this.held = held;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
