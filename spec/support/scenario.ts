import fc from 'fast-check';

/**
 * A random run of orderedWait/unorderedWait in virtual time, as data: the source's timeline, what
 * every call of `fn` and of the fallbacks does, the operator's options and how downstream leaves.
 * Both the reference model and the real run are driven by this description alone.
 *
 * Time: arrivals, call durations and retry delays are whole frames; the timeout is a whole number
 * of frames plus EPSILON, and a timed unsubscription happens half a frame after a whole frame. So a
 * deadline never falls on the same instant as an ordinary event unless a chain of timeouts led to
 * it (the model detects those rare ties, whose order the contract leaves open), and downstream
 * never leaves at the same instant as anything else.
 */
export interface Scenario {
  readonly mode: 'ordered' | 'unordered';
  /**
   * Nothing fails the output (every failure and timeout has a fallback that completes, no hang
   * without a timeout), so that long streams also run to their end; otherwise anything goes.
   */
  readonly calm: boolean;
  readonly capacity: number;
  /** Frames, or Infinity. */
  readonly timeout: number;
  readonly retry: RetryScenario | null;
  readonly withOnTimeout: boolean;
  readonly withOnError: boolean;
  /** How many of the first elements the source emits synchronously while being subscribed. */
  readonly syncCount: number;
  readonly elements: readonly ElementScenario[];
  readonly end: SourceEnd;
  readonly unsubscribe: Unsubscribe | null;
}

export interface RetryScenario {
  /** An integer, or Infinity (then every element's last attempt succeeds, so the run ends). */
  readonly count: number;
  readonly delay: RetryDelay;
  /** Configure `ifError`: errors whose message ends with '!' are not retried. */
  readonly ifError: boolean;
  /** Configure `ifResult`: results with a value ending in '?' are retried, and empty ones if `retryEmpty`. */
  readonly ifResult: { readonly retryEmpty: boolean } | null;
}

export type RetryDelay =
  | { readonly kind: 'default' }
  | { readonly kind: 'number'; readonly ms: number }
  | { readonly kind: 'fixedDelay'; readonly ms: number }
  | { readonly kind: 'exponentialDelay'; readonly initial: number; readonly max: number }
  | { readonly kind: 'list'; readonly ms: readonly number[] };

export interface ElementScenario {
  /** Frames after the previous arrival (after frame 0 for the first). */
  readonly gap: number;
  /** What call n does (the last one repeats for later calls). */
  readonly attempts: readonly Attempt[];
  readonly onTimeout: Fallback;
  readonly onError: Fallback;
  /** Whether `fn` reads `ctx.signal` (and listens for its abort) when called. */
  readonly readsSignal: boolean;
}

/**
 * One call of `fn`. `delay` 0 means synchronous: an array or a synchronous Observable for values;
 * a throw from `fn` or a synchronously erroring Observable for an error. `early` (frames after the
 * call) emits the first value before the rest: a value that must be dropped if the call errs,
 * times out or is retried.
 */
export type Attempt =
  | {
      readonly kind: 'values';
      readonly count: number;
      readonly delay: number;
      readonly early: number | null;
      readonly syncForm: 'array' | 'observable';
      /** Marked for `ifResult` to reject (values end with '?'). */
      readonly rejected: boolean;
    }
  | {
      readonly kind: 'error';
      readonly delay: number;
      readonly early: number | null;
      readonly syncForm: 'throw' | 'observable';
      /** Marked for `ifError` to refuse a retry (message ends with '!'). */
      readonly fatal: boolean;
    }
  | { readonly kind: 'hang'; readonly early: number | null };

/** What the onTimeout/onError handler returns (or does): 'throw' throws from the handler itself. */
export type Fallback =
  | {
      readonly kind: 'values';
      readonly count: number;
      readonly delay: number;
      readonly syncForm: 'array' | 'observable';
    }
  | { readonly kind: 'error'; readonly delay: number; readonly syncForm: 'throw' | 'observable' }
  | { readonly kind: 'hang' };

export type SourceEnd =
  { readonly kind: 'complete' | 'error'; readonly gap: number; readonly sync: boolean } | { readonly kind: 'never' };

/** Downstream leaves at a frame (plus half a frame), or from inside `next` after so many values. */
export type Unsubscribe =
  { readonly kind: 'at'; readonly frame: number } | { readonly kind: 'afterValues'; readonly count: number };

/** 2^-12: a timeout's fraction of a frame; sums of up to 2^11 of them stay exact and below half a frame. */
export const EPSILON = 1 / 4096;

// --- deterministic derived facts, shared by the model and the real run ----------------------------

export function attemptOf(element: ElementScenario, attempt: number): Attempt {
  return element.attempts[Math.min(attempt, element.attempts.length) - 1];
}

/** Arrival frame of every element; -1 for the synchronous ones. */
export function arrivalFrames(s: Scenario): number[] {
  let frame = 0;
  return s.elements.map((element, i) => {
    if (i < s.syncCount) return -1;
    frame += element.gap;
    return frame;
  });
}

/** Frame of the source's end, -1 if synchronous, null if it never ends. */
export function endFrame(s: Scenario): number | null {
  if (s.end.kind === 'never') return null;
  const n = s.elements.length;
  if (s.end.sync && s.syncCount === n) return -1;
  const arrivals = arrivalFrames(s);
  const last = n === 0 ? 0 : Math.max(0, arrivals[n - 1]);
  return last + s.end.gap;
}

export function sourceValue(i: number): string {
  return `s${i}`;
}

/** The values attempt `a` of element `i` produces; marked with '?' when ifResult should reject them. */
export function attemptValues(i: number, a: number, attempt: Attempt & { kind: 'values' }): string[] {
  const mark = attempt.rejected ? '?' : '';
  return Array.from({ length: attempt.count }, (_, k) => `v${i}.${a}.${k}${mark}`);
}

export function attemptErrorMessage(i: number, a: number, attempt: Attempt & { kind: 'error' }): string {
  return `e${i}.${a}${attempt.fatal ? '!' : ''}`;
}

export function fallbackValues(
  i: number,
  which: 'onTimeout' | 'onError',
  fallback: Fallback & { kind: 'values' },
): string[] {
  return Array.from({ length: fallback.count }, (_, k) => `${which === 'onTimeout' ? 't' : 'f'}${i}.${k}`);
}

export function fallbackErrorMessage(i: number, which: 'onTimeout' | 'onError'): string {
  return `${which}${i}`;
}

export const SOURCE_ERROR_MESSAGE = 'source';

/** The retry delay before retry n, as the configured delay computes it. */
export function retryDelayMs(delay: RetryDelay, n: number): number {
  switch (delay.kind) {
    case 'default':
      return 0;
    case 'number':
    case 'fixedDelay':
      return delay.ms;
    case 'exponentialDelay':
      return Math.min(delay.initial * 2 ** (n - 1), delay.max);
    case 'list':
      return delay.ms[(n - 1) % delay.ms.length];
  }
}

export function isRejectedResult(values: readonly string[], retryEmpty: boolean): boolean {
  return values.length === 0 ? retryEmpty : values.some((v) => v.endsWith('?'));
}

export function isFatalError(error: unknown): boolean {
  return error instanceof Error && error.message.endsWith('!');
}

// --- arbitraries ------------------------------------------------------------------------------------

const early = (delay: number) =>
  delay > 1 ? fc.option(fc.integer({ min: 1, max: delay - 1 }), { freq: 2 }) : fc.constant(null);

const valuesAttempt: fc.Arbitrary<Attempt> = fc
  .record({
    count: fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 2 }),
    delay: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 8 }), weight: 3 }, { arbitrary: fc.constant(0), weight: 1 }),
    syncForm: fc.constantFrom('array' as const, 'observable' as const),
    rejected: fc.boolean(),
  })
  .chain((a) => early(a.delay).map((e) => ({ kind: 'values' as const, ...a, early: e })));

const errorAttempt: fc.Arbitrary<Attempt> = fc
  .record({
    delay: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 8 }), weight: 2 }, { arbitrary: fc.constant(0), weight: 1 }),
    syncForm: fc.constantFrom('throw' as const, 'observable' as const),
    fatal: fc.boolean(),
  })
  .chain((a) => early(a.delay).map((e) => ({ kind: 'error' as const, ...a, early: e })));

const hangAttempt: fc.Arbitrary<Attempt> = fc
  .option(fc.integer({ min: 1, max: 5 }), { freq: 2 })
  .map((e) => ({ kind: 'hang' as const, early: e }));

const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  { arbitrary: valuesAttempt, weight: 12 },
  { arbitrary: errorAttempt, weight: 6 },
  { arbitrary: hangAttempt, weight: 1 },
);

const fallback: fc.Arbitrary<Fallback> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('values' as const),
      count: fc.integer({ min: 0, max: 2 }),
      delay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
      syncForm: fc.constantFrom('array' as const, 'observable' as const),
    }),
    weight: 40,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      delay: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
      syncForm: fc.constantFrom('throw' as const, 'observable' as const),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'hang' as const }), weight: 1 },
);

const element: fc.Arbitrary<ElementScenario> = fc.record({
  gap: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 1 },
  ),
  attempts: fc.array(attempt, { minLength: 1, maxLength: 4 }),
  onTimeout: fallback,
  onError: fallback,
  readsSignal: fc.boolean(),
});

const retryDelay: fc.Arbitrary<RetryDelay> = fc.oneof(
  fc.constant({ kind: 'default' as const }),
  fc.record({ kind: fc.constant('number' as const), ms: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('fixedDelay' as const), ms: fc.integer({ min: 0, max: 4 }) }),
  fc.record({
    kind: fc.constant('exponentialDelay' as const),
    initial: fc.integer({ min: 0, max: 2 }),
    max: fc.integer({ min: 2, max: 8 }),
  }),
  fc.record({
    kind: fc.constant('list' as const),
    ms: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
  }),
);

const retry: fc.Arbitrary<RetryScenario | null> = fc.option(
  fc.record({
    count: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 5 },
      { arbitrary: fc.constant(Infinity), weight: 1 },
    ),
    delay: retryDelay,
    ifError: fc.boolean(),
    ifResult: fc.option(fc.record({ retryEmpty: fc.boolean() }), { freq: 2 }),
  }),
  { freq: 4 },
);

const elements = fc.oneof(
  { arbitrary: fc.array(element, { maxLength: 12 }), weight: 1 },
  { arbitrary: fc.array(element, { maxLength: 200, size: 'max' }), weight: 1 },
);

/** Random scenarios for one operator (the mode is fixed per property). */
export function scenarios(mode: Scenario['mode']): fc.Arbitrary<Scenario> {
  return fc
    .record({
      mode: fc.constant(mode),
      calm: fc.boolean(),
      capacity: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 6 }), fc.constant(Infinity)),
      timeout: fc.oneof(
        { arbitrary: fc.constant(Infinity), weight: 1 },
        { arbitrary: fc.integer({ min: 1, max: 30 }).map((t) => t + EPSILON), weight: 2 },
      ),
      retry,
      // Mostly with fallbacks, so that long runs often get to the end rather than fail early.
      withOnTimeout: fc.oneof(
        { arbitrary: fc.constant(true), weight: 3 },
        { arbitrary: fc.constant(false), weight: 1 },
      ),
      withOnError: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      syncCount: fc.oneof(
        { arbitrary: fc.constant(0), weight: 3 },
        { arbitrary: fc.integer({ min: 0, max: 200 }), weight: 1 },
      ),
      elements,
      end: fc.oneof(
        {
          arbitrary: fc.record({
            kind: fc.oneof(
              { arbitrary: fc.constant('complete' as const), weight: 4 },
              { arbitrary: fc.constant('error' as const), weight: 1 },
            ),
            gap: fc.integer({ min: 0, max: 20 }),
            sync: fc.boolean(),
          }),
          weight: 6,
        },
        { arbitrary: fc.constant({ kind: 'never' as const }), weight: 1 },
      ),
      unsubscribe: fc.oneof(
        { arbitrary: fc.constant(null), weight: 6 },
        {
          arbitrary: fc.record({ kind: fc.constant('at' as const), frame: fc.integer({ min: 0, max: 120 }) }),
          weight: 2,
        },
        {
          arbitrary: fc.record({ kind: fc.constant('afterValues' as const), count: fc.integer({ min: 1, max: 60 }) }),
          weight: 1,
        },
      ),
    })
    .map(normalise);
}

/**
 * Keeps a scenario finite and valid: with `retry.count` Infinity every element's last attempt is one that
 * ends the retries (accepted values or a hang), otherwise a synchronous failure would retry forever.
 * Makes a calm scenario calm, and caps syncCount at the length.
 */
function normalise(s: Scenario): Scenario {
  const d = s.retry?.delay;
  if (
    s.retry?.count === Infinity &&
    s.timeout === Infinity &&
    (d === undefined ||
      d.kind === 'default' ||
      ((d.kind === 'number' || d.kind === 'fixedDelay') && d.ms === 0) ||
      (d.kind === 'exponentialDelay' && d.initial === 0) ||
      (d.kind === 'list' && d.ms.includes(0)))
  ) {
    // The operators refuse endless retries that nothing bounds (no timeout, no delay): see options.spec.
    s = { ...s, retry: { ...s.retry, count: 3 } };
  }
  const syncCount = Math.min(s.syncCount, s.elements.length);
  const endless = s.retry !== null && s.retry.count === Infinity;
  if (!endless && !s.calm) return { ...s, syncCount };
  const elements = s.elements.map((e) => {
    const attempts = [...e.attempts];
    const last = attempts[attempts.length - 1];
    if (endless && last.kind !== 'hang')
      attempts[attempts.length - 1] = accepted(last.kind === 'values' ? last.count : 1, last.delay, last.early);
    if (!s.calm) return { ...e, attempts };
    return {
      ...e,
      attempts: s.timeout === Infinity ? attempts.map((a) => (a.kind === 'hang' ? accepted(1, 1, null) : a)) : attempts,
      onTimeout: completing(e.onTimeout),
      onError: completing(e.onError),
    };
  });
  if (!s.calm) return { ...s, syncCount, elements };
  return {
    ...s,
    syncCount,
    elements,
    withOnTimeout: true,
    withOnError: true,
    end: s.end.kind === 'never' ? { kind: 'complete', gap: 0, sync: false } : s.end,
  };
}

function accepted(count: number, delay: number, early: number | null): Attempt {
  return { kind: 'values', count: Math.max(1, count), delay, early, syncForm: 'array', rejected: false };
}

function completing(f: Fallback): Fallback {
  return f.kind === 'values'
    ? f
    : { kind: 'values', count: 1, delay: f.kind === 'error' ? f.delay : 1, syncForm: 'observable' };
}
