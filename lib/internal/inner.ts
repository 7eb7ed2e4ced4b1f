import { from, Observable, type ObservableInput } from 'rxjs';
import type { Clock } from './clock.js';
import type { Entry, Stoppable } from './entry.js';
import { InnerSubscriber, type InnerSink } from './subscribers.js';

/** Marks an entry whose inner is a thenable: it cannot be stopped, only ignored when it settles. */
export const PENDING_PROMISE: Stoppable = Object.freeze({ unsubscribe() {} });

/** rxjs's key for interop Observables (Symbol.observable where it exists). */
const OBSERVABLE_KEY: PropertyKey =
  (typeof Symbol === 'function' && (Symbol as { observable?: symbol }).observable) || '@@observable';

/** What takes an inner: its sink, which hears how it ends, and the clock, told of Promise bursts. */
export interface InnerOwner<T, R> extends InnerSink<T, R> {
  readonly clock: Clock;
  /** `input` is not an ObservableInput at all: a bug in the caller's function, not a failed call. */
  invalidInput(entry: Entry<T, R>, error: unknown): void;
}

/**
 * Lets go of an input that will not be taken (the output ended while it was being made): a
 * rejected Promise among them must not become an unhandled rejection.
 */
export function dropInput(input: unknown): void {
  try {
    if (input !== null && (typeof input === 'object' || typeof input === 'function')) {
      const then = (input as PromiseLike<unknown>).then;
      if (typeof then === 'function') then.call(input, undefined, () => undefined);
    }
  } catch {
    // A thenable that throws is dropped all the same.
  }
}

/**
 * Runs an ObservableInput for an entry and reports how it ends: Observables by subscription,
 * arrays at once, thenables through `then`, anything else through `from`. Whatever throws while
 * the input is being taken (a `then` that throws or a `then` getter that throws, both a
 * rejection under Promises/A+ 2.3.3.2 and 2.3.3.3.4; a revoked Proxy; an iterable whose iterator
 * throws) is reported as the inner's error, never thrown at the caller: the caller may be the
 * source's `next`, a timer or a Promise reaction, where a throw would be lost or fatal.
 */
export function takeInput<T, R>(owner: InnerOwner<T, R>, entry: Entry<T, R>, input: ObservableInput<R>): void {
  // Classify first: each look may throw (a getter, a revoked Proxy), and counts as a failed take.
  let kind: unknown;
  try {
    kind = classify(input);
  } catch (error) {
    owner.innerErrored(entry, error);
    return;
  }
  if (kind === OBSERVABLE) subscribeInner(owner, entry, input as Observable<R>);
  else if (kind === PROMISE) takeThenable(owner, entry, input as PromiseLike<R>, null);
  else if (kind === ARRAY) takeArray(owner, entry, input as ArrayLike<R>);
  else if (typeof kind === 'function')
    takeThenable(owner, entry, input as PromiseLike<R>, kind as PromiseLike<R>['then']);
  else takeOther(owner, entry, input);
}

/**
 * OBSERVABLE, PROMISE (a native Promise of this realm, whose `then` is not read here), ARRAY, a
 * thenable's `then` function, or anything else (left to `from`).
 */
function classify(input: unknown): unknown {
  if (input instanceof Observable) return OBSERVABLE;
  if (input instanceof Promise) return PROMISE;
  if (Array.isArray(input)) return ARRAY;
  if (input !== null && (typeof input === 'object' || typeof input === 'function')) {
    return (input as PromiseLike<unknown>).then;
  }
  return undefined;
}

/** Takes an array's items as the whole result; reading them may throw too (a getter, a Proxy's trap). */
function takeArray<T, R>(owner: InnerOwner<T, R>, entry: Entry<T, R>, input: ArrayLike<R>): void {
  try {
    entry.addAll(input);
  } catch (error) {
    entry.resetResult();
    owner.innerErrored(entry, error);
    return;
  }
  owner.innerCompleted(entry);
}

/** Stand for "an Observable", "a native Promise" and "an array" in takeInput's classification. */
const OBSERVABLE = {};
const PROMISE = {};
const ARRAY = {};

function subscribeInner<T, R>(owner: InnerOwner<T, R>, entry: Entry<T, R>, input: Observable<R>): void {
  const subscriber = new InnerSubscriber(owner, entry);
  entry.running = subscriber;
  try {
    input.subscribe(subscriber);
  } catch (error) {
    // rxjs routes a throwing subscribe function to error(); this is for what it cannot route
    // (an Observable subclass or Proxy whose subscribe itself throws). Counts unless the inner
    // already ended, or something stopped it meanwhile.
    if (subscriber.closed || entry.running !== subscriber) return;
    entry.running = null;
    subscriber.unsubscribe();
    owner.innerErrored(entry, error);
  }
}

/** A thenable's `then` is on the stack: a settlement now is synchronous, not a microtask's. */
let inThen = false;

function takeThenable<T, R>(
  owner: InnerOwner<T, R>,
  entry: Entry<T, R>,
  thenable: PromiseLike<R>,
  /** The thenable's `then` as read while classifying it; null for a native Promise (not read yet). */
  then: PromiseLike<R>['then'] | null,
): void {
  entry.running = PENDING_PROMISE;
  // Which attempt (or fallback) made the thenable, in one number, so that the two callbacks
  // capture little: they live as long as the Promise, one pair per element in flight.
  const made = madeBy(entry);
  // Fulfilment runs once per element, so its path is written out here rather than shared with
  // rejection: one frame less and no try/finally on the path every element takes.
  const fulfilled = (value: R): void => {
    if (entry.running !== PENDING_PROMISE || madeBy(entry) !== made) return;
    entry.running = null;
    entry.add(value);
    const { clock } = owner;
    const outerSettling = clock.settling;
    // Settled in a microtask: further settlements are likely queued behind this one, and clock
    // work may wait for the end of their burst. One inside `then` is not one. (Only a downstream
    // that throws out of `next`, a raw Subscriber or rxjs's deprecated synchronous error
    // handling, can throw through here; the clock then keeps deferring its reads to the end of
    // bursts, never early.)
    clock.settling = !inThen;
    owner.innerCompleted(entry);
    clock.settling = outerSettling;
  };
  const failed = (error: unknown): void => rejected(owner, entry, made, error);
  const outer = inThen;
  inThen = true;
  try {
    // Either way `then` is read once and called on the thenable (Promises/A+ 2.3.3.1, 2.3.3.3).
    // A native Promise's is read by the method call itself, which V8 runs as its fast builtin:
    // through `Function.prototype.call` it cost about 90 more instructions per element
    // (cachegrind, bench scenario B's workload, 2026-11-30). A `then` that is not a function
    // throws here, and that is a rejection like any other throw while taking the input.
    if (then === null) (thenable as Promise<R>).then(fulfilled, failed);
    else then.call(thenable, fulfilled, failed);
  } catch (error) {
    // A+ 2.3.3.3.4: a throw from `then` rejects, unless a callback was called first.
    rejected(owner, entry, made, error);
  } finally {
    inThen = outer;
  }
}

/** The attempt and state of an entry as one number (states are below 8). */
function madeBy<T, R>(entry: Entry<T, R>): number {
  return entry.attempt * 8 + entry.state;
}

/**
 * A thenable rejected (or its `then` threw). It counts once, for the attempt (or fallback) that
 * made it, and only if nothing stopped it meanwhile: a Promise cannot be cancelled, only ignored.
 */
function rejected<T, R>(owner: InnerOwner<T, R>, entry: Entry<T, R>, made: number, error: unknown): void {
  if (entry.running !== PENDING_PROMISE || madeBy(entry) !== made) return;
  entry.running = null;
  const { clock } = owner;
  const outer = clock.settling;
  clock.settling = !inThen;
  try {
    owner.innerErrored(entry, error);
  } finally {
    clock.settling = outer;
  }
}

/** Inputs that `from` converts: iterables, async iterables, interop Observables, ReadableStreams. */
function takeOther<T, R>(owner: InnerOwner<T, R>, entry: Entry<T, R>, input: ObservableInput<R>): void {
  let valid: boolean;
  try {
    valid = looksLikeInput(input);
  } catch (error) {
    owner.innerErrored(entry, error);
    return;
  }
  let observable: Observable<R>;
  try {
    observable = from(input);
  } catch (error) {
    // No ObservableInput at all (rxjs words the error): a bug in the caller, not a failed call.
    if (!valid) owner.invalidInput(entry, error);
    else owner.innerErrored(entry, error);
    return;
  }
  subscribeInner(owner, entry, observable);
}

/** Whether `input` has one of the shapes `from` accepts; a property that throws counts as a failure. */
function looksLikeInput(input: unknown): boolean {
  if (input === null || (typeof input !== 'object' && typeof input !== 'function' && typeof input !== 'string')) {
    return false;
  }
  const candidate = input as Record<PropertyKey, unknown>;
  return (
    typeof input === 'string' ||
    typeof candidate[OBSERVABLE_KEY] === 'function' ||
    typeof candidate[Symbol.asyncIterator] === 'function' ||
    typeof candidate[Symbol.iterator] === 'function' ||
    typeof candidate.getReader === 'function' ||
    // Array-likes; a function's length is its arity, not a sign of an input.
    (typeof input === 'object' && typeof candidate.length === 'number')
  );
}
