/** Shows a received value in an error message: its text and its type, e.g. "`1.5` (number)". */
export function describe(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'function') text = value.name ? `function ${value.name}` : 'function';
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  } else text = String(value);
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${text}\` (${type})`;
}

/**
 * The error for a bad argument, in one shape everywhere:
 * "orderedWait: expected `capacity` to be an integer from 1 and up or `Infinity`, got `1.5` (number)".
 */
export function argumentError(
  Err: typeof TypeError | typeof RangeError,
  where: string,
  argument: string,
  expected: string,
  got: unknown,
): Error {
  return new Err(`${where}: expected \`${argument}\` to be ${expected}, got ${describe(got)}`);
}

export function isIntegerOrInfinity(value: number): boolean {
  return Number.isInteger(value) || value === Infinity;
}

/** Checks a retry delay: a finite number >= 0. Returns the error instead of throwing it, for callers that route it. */
export function delayError(delay: unknown, where: string, argument: string): Error | null {
  if (typeof delay !== 'number') return argumentError(TypeError, where, argument, 'a number of milliseconds', delay);
  if (!(delay >= 0) || delay === Infinity)
    return argumentError(RangeError, where, argument, 'a finite number >= 0', delay);
  return null;
}
