import { describe } from '../describe.js';
import type { BatchOptions } from './batchOptions.js';
import { BatchResultError } from './batchResultError.js';
import type { Member } from './batch.js';

/** What one element of an answered batch gets: its results, or the error it fails with. */
export type Outcome = { readonly results: readonly unknown[] } | { readonly error: unknown };

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * The one array a batch call answered, from the values its ObservableInput emitted before it
 * completed; anything else (no value, several, one that is not an array) is a BatchResultError.
 */
export function readAnswer(emitted: readonly unknown[], size: number, operator: string): unknown[] | BatchResultError {
  if (emitted.length === 1 && Array.isArray(emitted[0])) return emitted[0] as unknown[];
  const got =
    emitted.length === 0
      ? 'completed without a value'
      : emitted.length > 1
        ? `emitted ${emitted.length} values`
        : `answered ${describe(emitted[0])}`;
  return new BatchResultError(
    `${operator}: a batch call must answer one array of results (the call for ${size} values ${got})`,
    size,
    null,
  );
}

/**
 * Maps an answer to the members of the batch as it was sent (positions count the members that
 * left since): one outcome per member, or one error for all of them. Reads the user's `match`
 * functions, which may throw: the caller fails the batch with what they throw.
 */
export function outcomes<T, R>(
  answer: readonly unknown[],
  members: readonly Member<T, R>[],
  match: BatchOptions<T, R>['match'],
  operator: string,
): Outcome[] | BatchResultError | { error: unknown } {
  const size = members.length;
  if (match === null) {
    if (answer.length !== size) {
      return new BatchResultError(
        `${operator}: the batch call for ${size} values answered ${answer.length} results; by position ` +
          `result i belongs to value i, so there must be exactly ${size} (or use \`match\` to match by key)`,
        size,
        answer.length,
      );
    }
    return answer.map((result) => (result instanceof Error ? { error: result } : { results: [result] }));
  }
  // A join: every item goes to every element with its key, in answer order.
  const byKey = new Map<unknown, unknown[]>();
  for (const item of answer) {
    if (item instanceof Error) return { error: item };
    const key = match.resultKey(item as R);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [item]);
    else list.push(item);
  }
  return members.map((member) =>
    member.gone ? { results: EMPTY } : { results: byKey.get(match.key(member.entry.value)) ?? EMPTY },
  );
}
