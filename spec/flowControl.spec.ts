import { NEVER, Subject, VirtualTimeScheduler, of, throwError } from 'rxjs';
import { marbles } from 'rxjs-marbles/jest';
import { AsyncWaitMonitor, adaptiveLimit, orderedWait, unorderedWait, type AsyncWaitFigures } from '../lib';
import { asyncWait } from '../lib/internal/asyncWait';
import type { Entry } from '../lib/internal/entry';
import type { AttemptSink, Invocation } from '../lib/internal/invocation';
import { parseOptions } from '../lib/internal/options';
import { documentedFigure, runFigure } from './support/figures';
import { marbleSheet } from './support/marbleSheet';

/**
 * Flow control (issue 13, docs/flow-control.md): maxInFlight, rateLimit and cooldown, one
 * marble test per rule, in virtual time. Every frame is 1 ms.
 */

const operators: Array<[string, typeof orderedWait]> = [
  ['orderedWait', orderedWait],
  ['unorderedWait', unorderedWait],
];

/** Reads `read()` at the end of each of `frames` (after everything else scheduled for that frame). */
function readAtEndOf<V>(
  scheduler: { schedule(work: () => void, delay: number): unknown },
  frames: number[],
  read: () => V,
): Map<number, V> {
  const reads = new Map<number, V>();
  for (const frame of frames) {
    // Two hops: work scheduled at the frame by the operator's own timers runs first.
    scheduler.schedule(() => void scheduler.schedule(() => void reads.set(frame, read()), 0), frame);
  }
  return reads;
}

/** An error that asks for a cooldown, as a 429 with Retry-After would. */
class TooMany extends Error {
  constructor(readonly retryAfter: number) {
    super(`429, retry after ${retryAfter} ms`);
  }
}
const cooldown = (error: unknown) => (error instanceof TooMany ? error.retryAfter : undefined);

// prettier-ignore
describe('maxInFlight', () => {
  it('bounds the calls running: a value waits, admitted, for a permit', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-abc-----|',
      a:        ' -A|      ',
      asub:     '-^-!      ',
      b:        '   -B|    ',
      bsub:     '---^-!    ',
      c:        '     -C|  ',
      csub:     '-----^-!  ',
      expected: '---A-B-C-|',
    });
    s.expect(unorderedWait(s.fn, { maxInFlight: 1, capacity: 3 }));
  }));

  it('apart from capacity: a completed result waiting in order holds a slot but no permit', marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const s = marbleSheet(m, {
      source:   '-abc|          ',
      a:        ' -------A|     ',
      b:        '  -B|          ',
      c:        '    -C|        ',
      csub:     '----^-!        ',
      expected: '---------(ABC|)',
    });
    s.expect(orderedWait(s.fn, { maxInFlight: 2, capacity: 4, monitor }));
    const reads = readAtEndOf(m.scheduler, [3, 5], () => monitor.figures);
    m.flush();
    // Frame 3: a and b run, c waits for a permit (held, not in flight). Frame 5: b waits behind a.
    expect(reads.get(3)).toMatchObject({ inFlight: 2, held: 3, limit: 2 });
    expect(reads.get(5)).toMatchObject({ inFlight: 2, held: 3 });
  }));

  it('a retry wait holds the permit', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab--------|',
      a1:       ' -#         ',
      a2:       '     -A|    ',
      a2sub:    '-----^-!    ',
      b1:       '       -B|  ',
      b1sub:    '-------^-!  ',
      expected: '-------A-B-|',
    });
    s.expect(unorderedWait(s.byAttempt, { maxInFlight: 1, retry: { count: 1, delay: 3 } }));
  }));

  it('a fallback running holds the permit', marbles((m) => {
    const fallback = m.cold('---T|');
    const s = marbleSheet(m, {
      source:   '-ab---------|',
      a:        ' ------A|    ',
      asub:     '-^--!        ',
      b:        '        -B|  ',
      bsub:     '--------^-!  ',
      expected: '--------T-B-|',
    });
    s.expect(unorderedWait(s.fn, { maxInFlight: 1, timeout: 3, onTimeout: () => fallback }));
    m.expect(fallback).toHaveSubscriptions('----^---!');
  }));

  it.each(operators)('%s: synchronous calls keep starting in the same frame, in order', (_name, operator) => {
    const calls: number[] = [];
    const out: number[] = [];
    of(1, 2, 3, 4, 5)
      .pipe(operator((v: number) => (calls.push(v), [v * 10]), { maxInFlight: 2, capacity: 5 }))
      .subscribe((v) => out.push(v));
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(out).toEqual([10, 20, 30, 40, 50]);
  });

  it('unorderedWait: a call a permit starts at once cannot overtake the result that freed it', () => {
    // a's Promise settles; its permit starts b, which ends synchronously: A must still come first.
    const out: string[] = [];
    return new Promise<void>((resolve) => {
      of('a', 'b')
        .pipe(unorderedWait((v: string) => (v === 'a' ? Promise.resolve('A') : ['B']), { maxInFlight: 1 }))
        .subscribe({ next: (v) => out.push(v), complete: resolve });
    }).then(() => expect(out).toEqual(['A', 'B']));
  });

  it('without flow options nothing gates the calls (the core meets the calls directly)', () => {
    const fn = () => of(1);
    expect(parseOptions('orderedWait', fn, { capacity: 5 }, undefined).flow).toBeNull();
    expect(parseOptions('orderedWait', fn, { capacity: 5, maxInFlight: 5 }, undefined).flow).toBeNull();
    expect(parseOptions('orderedWait', fn, { capacity: 5, maxInFlight: 4 }, undefined).flow).toMatchObject({
      maxInFlight: 4,
      adaptive: null,
      rateLimit: null,
      cooldown: null,
    });
  });

  it('the monitor shows capacity as the limit when maxInFlight is not set', () => {
    const monitor = new AsyncWaitMonitor<number>();
    of(1).pipe(orderedWait((v: number) => [v], { capacity: 7, monitor })).subscribe();
    expect(monitor.figures).toMatchObject({ limit: 7, waitingForToken: 0, cooldownUntil: 0, retriesRefused: 0 });
  });
});

// prettier-ignore
describe('rateLimit', () => {
  it('a token bucket: one start per 3 ms, lossless; each waits in its place', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-abc-------|',
      a:        ' -A|        ',
      asub:     '-^-!        ',
      b:        '    -B|     ',
      bsub:     '----^-!     ',
      c:        '       -C|  ',
      csub:     '-------^-!  ',
      expected: '---A--B--C-|',
    });
    s.expect(unorderedWait(s.fn, { rateLimit: { limit: 1, interval: 3 } }));
  }));

  it('a burst after a quiet spell, then the refill rate', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '----(abcd)-------|',
      a:        '    -A|           ',
      b:        '    -B|           ',
      c:        '        -C|       ',
      csub:     '--------^-!       ',
      d:        '            -D|   ',
      dsub:     '------------^-!   ',
      expected: '------(AB)C---D--|',
    });
    // 2 tokens at most, one more every 4 ms.
    s.expect(unorderedWait(s.fn, { rateLimit: { limit: 1, interval: 4, burst: 2 } }));
  }));

  it('strict: no window of `interval` ms holds more than `limit` starts', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-abcd--------|',
      a:        ' -A|          ',
      b:        '  -B|         ',
      c:        '      -C|     ',
      csub:     '------^-!     ',
      d:        '       -D|    ',
      dsub:     '-------^-!    ',
      expected: '---AB---CD---|',
    });
    // a at 1 and b at 2 fill the window; c may start at 6, when a's start leaves it (1 + 5).
    s.expect(unorderedWait(s.fn, { rateLimit: { limit: 2, interval: 5, strict: true } }));
  }));

  it('the timeout clock starts at the call, not while the value waits for a token', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab----------|',
      a:        ' -A|          ',
      b:        '     --B|     ',
      bsub:     '-----^--!     ',
      expected: '---A----B----|',
    });
    // b arrives at 2 and starts at 5: its deadline is 5 + 3 = 8 (inclusive), so B, complete at 8, counts.
    s.expect(orderedWait(s.fn, { timeout: 3, rateLimit: { limit: 1, interval: 4 }, onTimeout: () => of('T') }));
  }));

  it('retries take tokens too', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a-------|',
      a1:       ' -#       ',
      a2:       '    -A|   ',
      a2sub:    '----^-!   ',
      expected: '------A--|',
    });
    // a fails at 2 and its retry is due at once; the next token comes at 1 + 3 = 4.
    s.expect(unorderedWait(s.byAttempt, { retry: { count: 1 }, rateLimit: { limit: 1, interval: 3 } }));
  }));

  it('a waiting retry goes before first calls waiting', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab-------|',
      a1:       ' -#        ',
      a2:       '    -A|    ',
      a2sub:    '----^-!    ',
      b1:       '       -B| ',
      b1sub:    '-------^-! ',
      expected: '------A--B|',
    });
    // b waits for a token from frame 2, a's retry from frame 2 too but later: the retry goes first.
    s.expect(unorderedWait(s.byAttempt, { retry: { count: 1 }, rateLimit: { limit: 1, interval: 3 } }));
  }));

  it('a waiting retry whose deadline passes leaves the line and times out', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab--------|  ',
      a1:       ' -#           ',
      b1:       '           -B|',
      b1sub:    '-----------^-!',
      expected: '----T--------(B|)',
    });
    // a fails at 2, its retry waits for a token (at 11); its deadline (1 + 3) comes first.
    s.expect(
      unorderedWait(s.byAttempt, {
        timeout: 3,
        retry: { count: 1 },
        rateLimit: { limit: 1, interval: 10 },
        onTimeout: () => of('T'),
      }),
    );
    m.flush();
    expect(s.calls).toEqual(['a1', 'b1']);
  }));

  it('the monitor counts the calls waiting for a token', marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const source = m.cold('-abcd---------|');
    const out = source.pipe(unorderedWait(() => m.cold('-X|'), { rateLimit: { limit: 1, interval: 4 }, maxInFlight: 2, monitor }));
    m.expect(out).toBeObservable('---X---X---X---(X|)');
    const reads = readAtEndOf(m.scheduler, [1, 4, 6], () => monitor.figures.waitingForToken);
    m.flush();
    // Frame 4: b, c and d wait, and 2 permits are free: 2 wait for a token. Frame 6: b runs.
    expect([...reads.values()]).toEqual([0, 2, 1]);
  }));
});

// prettier-ignore
describe('cooldown', () => {
  it('a failure that answers a cooldown stops every start until it has passed', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-a-bc-------|',
      a1:       ' -#          ',
      a2:       '     -A|     ',
      a2sub:    '-----^-!     ',
      b1:       '     -B|     ',
      b1sub:    '-----^-!     ',
      c1:       '     -C|     ',
      c1sub:    '-----^-!     ',
      expected: '-------(ABC)|',
    }, { errors: { a1: new TooMany(3) } });
    // a fails at 2 asking for 3 ms: its retry, b and c wait until 5, then start in that order.
    s.expect(unorderedWait(s.byAttempt, { cooldown, retry: { count: 1 } }));
  }));

  it('timeouts keep running meanwhile; the element is retried as its config says', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-ab-c--------|',
      a:        ' ------A|     ',
      asub:     '-^---!        ',
      b:        '  -#          ',
      c:        '        -C|   ',
      csub:     '--------^-!   ',
      expected: '---E-T----C--|',
    }, { errors: { b: new TooMany(5) } });
    // b fails at 3: nothing starts until 8, but a still times out at 1 + 4 = 5.
    s.expect(unorderedWait(s.fn, { cooldown, timeout: 4, onTimeout: () => of('T'), onError: () => of('E') }));
  }));

  it('a longer cooldown extends a running one', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-abc---------|',
      a:        ' -#           ',
      b:        '  --#         ',
      c:        '          -C| ',
      csub:     '----------^-! ',
      expected: '--E-E-------C|',
    }, { errors: { a: new TooMany(3), b: new TooMany(6) } });
    // b started at 2, before a's failure; a asks for 2 + 3 = 5, b then for 4 + 6 = 10.
    s.expect(unorderedWait(s.fn, { cooldown, onError: () => of('E') }));
  }));

  it('a shorter cooldown does not shorten a running one', marbles((m) => {
    const s = marbleSheet(m, {
      source:   '-abc---------|',
      a:        ' -#           ',
      b:        '  --#         ',
      c:        '        -C|   ',
      csub:     '--------^-!   ',
      expected: '--E-E-----C--|',
    }, { errors: { a: new TooMany(6), b: new TooMany(1) } });
    s.expect(unorderedWait(s.fn, { cooldown, onError: () => of('E') }));
  }));

  it('the monitor shows when the cooldown ends, in the scheduler\'s time', marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const source = m.cold('-ab------|');
    const fn = (v: string) => (v === 'a' ? throwError(() => new TooMany(4)) : m.cold('-B|'));
    m.expect(source.pipe(unorderedWait(fn, { cooldown, onError: () => of('E'), monitor }))).toBeObservable('-E-----B-|');
    const reads = readAtEndOf(m.scheduler, [1, 3, 5], () => monitor.figures);
    m.flush();
    expect(reads.get(1)).toMatchObject({ cooldownUntil: 5, waitingForToken: 0 });
    expect(reads.get(3)).toMatchObject({ cooldownUntil: 5, waitingForToken: 1 });
    expect(reads.get(5)).toMatchObject({ cooldownUntil: 0, waitingForToken: 0 });
  }));

  it('a cooldown function that throws errors the output with its error', () => {
    const boom = new Error('boom');
    let error: unknown;
    of(1)
      .pipe(orderedWait(() => throwError(() => new Error('call')), { cooldown: () => { throw boom; }, onError: () => of(0) }))
      .subscribe({ error: (e) => (error = e) });
    expect(error).toBe(boom);
  });

  it('a bad answer errors the output with a RangeError naming it', () => {
    let error: unknown;
    of(1)
      .pipe(orderedWait(() => throwError(() => new Error('call')), { cooldown: () => -1, onError: () => of(0) }))
      .subscribe({ error: (e) => (error = e) });
    expect(error).toEqual(
      new RangeError('orderedWait: expected `config.cooldown(error)` to be a finite number >= 0, got `-1` (number)'),
    );
  });
});

// prettier-ignore
describe('adaptive maxInFlight', () => {
  it('AIMD: a drop cuts the limit, and later calls wait for the lower limit', marbles((m) => {
    const monitor = new AsyncWaitMonitor<string>();
    const isDrop = (e: unknown) => e instanceof TooMany;
    const s = marbleSheet(m, {
      source:   '-abc-------|',
      a:        ' -#         ',
      b:        '  ---B|     ',
      c:        '      -C|   ',
      csub:     '------^-!   ',
      expected: '--E---B-C--|',
    }, { errors: { a: new TooMany(0) } });
    s.expect(unorderedWait(s.fn, {
      maxInFlight: adaptiveLimit({ algorithm: 'aimd', initial: 2, isDrop }),
      onError: () => of('E'),
      monitor,
    }));
    const reads = readAtEndOf(m.scheduler, [1, 2], () => monitor.figures.limit);
    m.flush();
    // b starts at 2, before a's drop; c arrives at 3 with the limit at 1 and b running: it starts when b ends, at 6.
    expect([...reads.values()]).toEqual([2, 1]);
  }));

  it('every subscription starts its own limit from the same description', () => {
    const limit = adaptiveLimit({ algorithm: 'aimd', initial: 3, isDrop: () => true });
    const monitor = new AsyncWaitMonitor<number>();
    const operator = unorderedWait(() => throwError(() => new Error('503')), { maxInFlight: limit, onError: () => [0], monitor });
    // Each failure starts after the cut before it, so each cuts: 3, then 2, then 1.
    of(1, 2, 3).pipe(operator).subscribe();
    expect(monitor.figures.limit).toBe(1);
    of(1).pipe(operator).subscribe();
    expect(monitor.figures.limit).toBe(2);
  });
});

describe('with the rest of the engine', () => {
  it.each(operators)('%s: a barrier waits for the values before it, gated or not', (_name, operator) => {
    const out: string[] = [];
    const subject = new Subject<string>();
    const calls = new Map<string, Subject<string>>();
    subject
      .pipe(
        operator(
          (v: string) => {
            const call = new Subject<string>();
            calls.set(v, call);
            return call;
          },
          { maxInFlight: 1, capacity: 5, isBarrier: (v: string): v is 'W' => v === 'W' },
        ),
      )
      .subscribe((v) => out.push(v));
    subject.next('a');
    subject.next('b');
    subject.next('W');
    subject.next('c');
    // a runs; b and c wait for the permit; W waits for a and b.
    expect([...calls.keys()]).toEqual(['a']);
    calls.get('a')!.next('A');
    calls.get('a')!.complete();
    expect([...calls.keys()]).toEqual(['a', 'b']);
    calls.get('b')!.next('B');
    calls.get('b')!.complete();
    expect(out).toEqual(['A', 'B', 'W']);
    expect([...calls.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('pending() lists the values waiting for a permit, in source order', () => {
    const monitor = new AsyncWaitMonitor<number>();
    const subject = new Subject<number>();
    const subscription = subject.pipe(orderedWait(() => NEVER, { maxInFlight: 2, capacity: 4, monitor })).subscribe();
    for (let i = 0; i < 6; i++) subject.next(i);
    // 0 and 1 run, 2 and 3 wait for a permit (held), 4 and 5 wait in the input buffer.
    expect(monitor.figures).toMatchObject({ inFlight: 2, held: 4, buffered: 2 });
    expect(monitor.pending().map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    subscription.unsubscribe();
    expect(monitor.pending().map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('unsubscribing stops the wake-up timer and forgets the waiting values', () => {
    const scheduler = new VirtualTimeScheduler();
    const called: number[] = [];
    const subscription = of(1, 2, 3)
      .pipe(
        unorderedWait((v: number) => (called.push(v), NEVER), {
          scheduler,
          rateLimit: { limit: 1, interval: 100 },
        }),
      )
      .subscribe();
    expect(called).toEqual([1]);
    expect(scheduler.actions.length).toBe(1);
    subscription.unsubscribe();
    expect(scheduler.actions.filter((a) => !a.closed).length).toBe(0);
    scheduler.flush();
    expect(called).toEqual([1]);
  });

  it('gates any invocation: flushes wait for the values admitted before them', () => {
    // A stand-in for a batching invocation: it records what the gate hands it.
    const log: string[] = [];
    class Recorder implements Invocation<string, string> {
      constructor(private readonly sink: AttemptSink<string, string>) {}
      submit(entry: Entry<string, string>): void {
        log.push(`submit ${entry.value}`);
        this.sink.callStarting(entry);
      }
      retry(): void {}
      flush(): void {
        log.push('flush');
      }
      teardown(): void {
        log.push('teardown');
      }
      /** Completes the entry's call. */
      complete(entry: Entry<string, string>): void {
        entry.add(entry.value.toUpperCase());
        this.sink.attemptCompleted(entry);
      }
    }
    let inner: Recorder | null = null;
    const entries: Entry<string, string>[] = [];
    const options = parseOptions<string, string>(
      'orderedWait',
      () => [],
      { maxInFlight: 1, capacity: 5, isBarrier: (v: string): v is 'W' => v === 'W' },
      undefined,
    );
    const operator = asyncWait(options, 'ordered', {
      invocation: (sink) => {
        inner = new Recorder(sink);
        const submit = inner.submit.bind(inner);
        inner.submit = (entry) => (entries.push(entry), submit(entry));
        return inner;
      },
    });
    const out: string[] = [];
    const subject = new Subject<string>();
    subject.pipe(operator).subscribe({ next: (v) => out.push(v), complete: () => out.push('|') });
    for (const v of ['a', 'b', 'W', 'c']) subject.next(v);
    subject.complete();
    expect(log).toEqual(['submit a']);
    inner!.complete(entries[0]);
    // The barrier's flush reaches the inner right after b, the last value before it.
    expect(log).toEqual(['submit a', 'submit b', 'flush']);
    inner!.complete(entries[1]);
    // The source's end (a flush too) reaches it after c.
    expect(log).toEqual(['submit a', 'submit b', 'flush', 'submit c', 'flush']);
    inner!.complete(entries[2]);
    expect(out).toEqual(['A', 'B', 'W', 'C', '|']);
  });
});

describe('the figures of docs/flow-control.md', () => {
  const onTimeout = () => of('T');
  const onError = () => of('E');
  const isDrop = () => true;
  // Each figure's first line is the call it shows; the operator run here must be that call.
  const figures: Record<string, [string, Parameters<typeof runFigure>[1]]> = {
    'flow-maxinflight': [
      'orderedWait(fn, { maxInFlight: 2, capacity: 4 })',
      (fn) => orderedWait(fn, { maxInFlight: 2, capacity: 4 }),
    ],
    'flow-rate': [
      'unorderedWait(fn, { rateLimit: { limit: 1, interval: 3 } })',
      (fn) => unorderedWait(fn, { rateLimit: { limit: 1, interval: 3 } }),
    ],
    'flow-strict': [
      'unorderedWait(fn, { rateLimit: { limit: 2, interval: 5, strict: true } })',
      (fn) => unorderedWait(fn, { rateLimit: { limit: 2, interval: 5, strict: true } }),
    ],
    'flow-timeout-clock': [
      'orderedWait(fn, { timeout: 3, rateLimit: { limit: 1, interval: 4 }, onTimeout })',
      (fn) => orderedWait(fn, { timeout: 3, rateLimit: { limit: 1, interval: 4 }, onTimeout }),
    ],
    'flow-cooldown': [
      'unorderedWait(fn, { cooldown: () => 5, timeout: 4, onTimeout, onError })',
      (fn) => unorderedWait(fn, { cooldown: () => 5, timeout: 4, onTimeout, onError }),
    ],
    'flow-adaptive': [
      "unorderedWait(fn, { maxInFlight: adaptiveLimit({ algorithm: 'aimd', initial: 2, isDrop }), onError })",
      (fn) => unorderedWait(fn, { maxInFlight: adaptiveLimit({ algorithm: 'aimd', initial: 2, isDrop }), onError }),
    ],
  };
  it.each(Object.keys(figures))('%s runs as drawn', (id) => {
    const [call, operator] = figures[id];
    const text = documentedFigure(id, 'flow-control.md');
    expect(text.split('\n')[0]).toBe(call);
    runFigure(text, operator);
  });
});

describe('creation errors', () => {
  const fn = () => of(1);
  const cases: Array<[string, () => unknown, typeof TypeError, string]> = [
    [
      'maxInFlight above capacity',
      () => orderedWait(fn, { capacity: 10, maxInFlight: 11 }),
      RangeError,
      'orderedWait: expected `config.maxInFlight` to be an integer from 1 to `capacity` (10), got `11` (number)',
    ],
    [
      'maxInFlight a fraction',
      () => unorderedWait(fn, { maxInFlight: 1.5 }),
      RangeError,
      'unorderedWait: expected `config.maxInFlight` to be an integer from 1 to `capacity` (100), got `1.5` (number)',
    ],
    [
      'maxInFlight not a limit',
      () => orderedWait(fn, { maxInFlight: { algorithm: 'aimd' } as never }),
      TypeError,
      'orderedWait: expected `config.maxInFlight` to be a number or an adaptiveLimit(...), got `{"algorithm":"aimd"}` (object)',
    ],
    [
      'an adaptive max above capacity',
      () => orderedWait(fn, { capacity: 50, maxInFlight: adaptiveLimit({ algorithm: 'aimd', max: 60 }) }),
      RangeError,
      'orderedWait: expected `config.maxInFlight.max` to be at most `capacity` (50), got `60` (number)',
    ],
    [
      'an adaptive min above capacity',
      () => orderedWait(fn, { capacity: 5, maxInFlight: adaptiveLimit({ algorithm: 'gradient', min: 8 }) }),
      RangeError,
      'orderedWait: expected `config.maxInFlight.min` to be at most max (5), which is `capacity` unless given, got `8` (number)',
    ],
    [
      'rateLimit not an object',
      () => orderedWait(fn, { rateLimit: 10 as never }),
      TypeError,
      'orderedWait: expected `config.rateLimit` to be an object like { limit, interval }, got `10` (number)',
    ],
    [
      'rateLimit without interval',
      () => orderedWait(fn, { rateLimit: { limit: 5 } as never }),
      TypeError,
      'orderedWait: expected `config.rateLimit.interval` to be a number, got `undefined` (undefined)',
    ],
    [
      'rateLimit limit 0',
      () => orderedWait(fn, { rateLimit: { limit: 0, interval: 1000 } }),
      RangeError,
      'orderedWait: expected `config.rateLimit.limit` to be an integer from 1 and up, got `0` (number)',
    ],
    [
      'rateLimit unknown key',
      () => orderedWait(fn, { rateLimit: { limit: 1, interval: 1000, per: 's' } as never }),
      TypeError,
      'orderedWait: expected `config.rateLimit.per` to be absent (known options: limit, interval, burst, strict), got `"per"` (string)',
    ],
    [
      'burst with strict',
      () => orderedWait(fn, { rateLimit: { limit: 1, interval: 1000, burst: 3, strict: true } }),
      TypeError,
      'orderedWait: expected `config.rateLimit.burst` to be absent with `strict: true` (the window allows `limit` at once), got `3` (number)',
    ],
    [
      'cooldown not a function',
      () => orderedWait(fn, { cooldown: 1000 as never }),
      TypeError,
      'orderedWait: expected `config.cooldown` to be a function, got `1000` (number)',
    ],
    [
      'budget ratio negative',
      () => orderedWait(fn, { retry: { count: 1, budget: { ratio: -0.1 } } }),
      RangeError,
      'orderedWait: expected `config.retry.budget.ratio` to be a finite number >= 0, got `-0.1` (number)',
    ],
    [
      'budget unknown key',
      () => orderedWait(fn, { retry: { count: 1, budget: { ratio: 0.1, ttl: 5 } as never } }),
      TypeError,
      'orderedWait: expected `config.retry.budget.ttl` to be absent (known options: ratio, minPerSecond, window), got `"ttl"` (string)',
    ],
    [
      'adaptiveLimit algorithm',
      () => adaptiveLimit({ algorithm: 'vegas' as never }),
      TypeError,
      "adaptiveLimit: expected `config.algorithm` to be 'aimd' or 'gradient', got `\"vegas\"` (string)",
    ],
    [
      'adaptiveLimit option of the other algorithm',
      () => adaptiveLimit({ algorithm: 'aimd', tolerance: 2 } as never),
      TypeError,
      'adaptiveLimit: expected `config.tolerance` to be absent with algorithm \'aimd\' (known options: algorithm, initial, min, max, isDrop, backoffRatio, latency), got `"tolerance"` (string)',
    ],
    [
      'adaptiveLimit backoffRatio 1',
      () => adaptiveLimit({ algorithm: 'gradient', backoffRatio: 1 }),
      RangeError,
      'adaptiveLimit: expected `config.backoffRatio` to be from 0.5 up to 1 (exclusive), got `1` (number)',
    ],
    [
      'adaptiveLimit initial above max',
      () => adaptiveLimit({ algorithm: 'aimd', initial: 30, max: 20 }),
      RangeError,
      'adaptiveLimit: expected `config.initial` to be an integer from min (1) to max (20), got `30` (number)',
    ],
  ];
  it.each(cases)('%s', (_what, create, Err, message) => {
    expect(create).toThrow(new Err(message));
    expect(create).toThrow(Err);
  });
});

export type { AsyncWaitFigures };
