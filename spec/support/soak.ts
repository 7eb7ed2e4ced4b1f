import { range } from 'rxjs';
import type * as Library from '../../lib';
import type { AsyncContext, AsyncWaitConfig } from '../../lib';
import { startFlakyServer, type FlakyServer, type FlakyServerOptions, type ServerStats } from './flakyServer';
import { PacedScheduler } from './pacedScheduler';

/**
 * The soak (issue 4): many ids through orderedWait and unorderedWait, each a `fetch` with
 * `ctx.signal` to a flaky local server, with a timeout, retry with exponential back-off and
 * onError/onTimeout fallbacks; then the accounting. Shared by the jest integration test (a short
 * run against lib/, on the paced clock) and `npm run soak` (bench/soak.mjs: a long run against the
 * built package, in real time), which is why the library is passed in rather than imported.
 */
export type SoakLibrary = Pick<typeof Library, 'orderedWait' | 'unorderedWait' | 'exponentialDelay'>;

export interface SoakOptions {
  readonly ids: number;
  readonly capacity: number;
  /** ms per element, first call to final answer. */
  readonly timeout: number;
  /**
   * Which clock the operators' timeouts and retry delays run on:
   * - `'real'`: the asyncScheduler. A slow host turns answers into timeouts ("load-induced"), so
   *   only a dedicated run can bound time; `npm run soak`.
   * - `'paced'`: a {@link PacedScheduler}, whose time moves only when every call still running
   *   is one the server holds by plan. Each id then ends exactly as the server's plan says, and
   *   the only aborted requests are the planned hangs, at any speed; the run in `npm test`.
   */
  readonly clock: 'real' | 'paced';
  readonly retry: { readonly count: number; readonly initial: number; readonly max: number };
  readonly server: FlakyServerOptions;
  /** A full garbage collection, to measure retained heap; null to skip the memory figures. */
  readonly gc: (() => void) | null;
  /** Limits that only a dedicated run should enforce (memory and time depend on the machine's load). */
  readonly bounds: SoakBounds | null;
  readonly log?: (line: string) => void;
}

export interface SoakBounds {
  readonly peakRssMB: number;
  readonly heapGrowthMB: number;
  /** Most elapsed time as a multiple of the simulated ideal. */
  readonly slowdown: number;
}

type Via = 'ok' | 'retried' | 'error' | 'timeout';
interface Result {
  readonly id: number;
  readonly via: Via;
}

export interface ModeReport {
  readonly mode: 'ordered' | 'unordered';
  readonly ids: number;
  readonly via: Record<Via, number>;
  /** How the ids end by the server's plan, on a clock that no load can make late. */
  readonly planned: Record<Via, number>;
  /** Calls whose signal was aborted before they settled: the requests the client gave up on. */
  readonly abandoned: number;
  /** Timeouts of ids the server would have answered in time: the machine's load, not a fault. */
  readonly lateTimeouts: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly outOfOrder: number;
  /** Results that contradict the server's plan for their id (e.g. an answer for a hanging call). */
  readonly impossible: number;
  /** Ids with a failed fetch that the server did not plan (a connection reset): not checked against the plan. */
  readonly networkFailures: number;
  readonly server: ServerStats;
  readonly openAtEnd: number;
  /** fn calls whose Promise had not settled once the run was over. */
  readonly unsettledCalls: number;
  readonly elapsedMs: number;
  /** N × mean latency / capacity: no faults, no overhead. */
  readonly idealMs: number;
  /** The same ids with their planned faults, retries and timeouts, on a machine with no overhead. */
  readonly simulatedMs: number;
  readonly peakRssMB: number;
  readonly peakHeapMB: number;
  readonly heapBeforeMB: number | null;
  readonly heapGrowthMB: number | null;
  readonly violations: string[];
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** Runs both operators, one after the other, against one server. */
export async function soak(lib: SoakLibrary, options: SoakOptions): Promise<ModeReport[]> {
  if (options.clock === 'paced') {
    // Retry delays cost virtual time too; past the timeout they would time out ids that the plan
    // says end in a retry or onError. (They also wait for the clock to move, i.e. until every call
    // under way is held: a paced run is quickest with delays of 0.)
    const worst = options.retry.count * options.retry.max;
    if (worst >= options.timeout) {
      throw new RangeError(
        `paced soak: retry delays (up to ${worst} ms) must stay under the timeout (${options.timeout} ms)`,
      );
    }
  }
  const server = await startFlakyServer(options.server);
  try {
    // Nothing is timed on the paced clock, so nothing needs warming up.
    if (options.clock === 'real') await warmUp(server, options.capacity);
    const reports: ModeReport[] = [];
    for (const mode of ['ordered', 'unordered'] as const) {
      options.log?.(`${mode}Wait: ${options.ids} ids, capacity ${options.capacity}`);
      reports.push(await runMode(lib, server, mode, options));
    }
    return reports;
  } finally {
    await server.close();
  }
}

/**
 * Opens the client's connection pool and compiles the hot paths before anything is measured, so
 * that the first operator does not pay for the process starting up (ids past the run's, never hanging).
 */
async function warmUp(server: FlakyServer, capacity: number): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const calls = Array.from({ length: capacity }, async (_, k) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 1000);
      try {
        await (
          await fetch(`${server.url}/item/${-1 - k}?attempt=${round + 1}`, { signal: controller.signal })
        ).arrayBuffer();
      } catch {
        // A warm-up call that hangs or fails is fine: it only has to open a connection.
      } finally {
        clearTimeout(timer);
      }
    });
    await Promise.all(calls);
  }
  await server.settled(2000);
}

async function runMode(
  lib: SoakLibrary,
  server: FlakyServer,
  mode: 'ordered' | 'unordered',
  o: SoakOptions,
): Promise<ModeReport> {
  server.resetStats();
  const n = o.ids;
  const seen = new Uint8Array(n);
  const via: Record<Via, number> = { ok: 0, retried: 0, error: 0, timeout: 0 };
  let duplicates = 0;
  let outOfOrder = 0;
  let impossible = 0;
  let lateTimeouts = 0;
  let nextInOrder = 0;
  let abandoned = 0;
  const violations: string[] = [];
  const networkFailed = new Set<number>();
  // For the paced clock: calls under way that the server will answer, and the paths of those it
  // will hold (their plan says hang).
  let answerable = 0;
  const hanging = new Set<string>();
  const scheduler =
    o.clock === 'paced'
      ? new PacedScheduler(() => answerable === 0 && [...hanging].every((path) => server.holds(path)))
      : undefined;

  const fn = (id: number, _index: number, { signal, attempt }: AsyncContext): Promise<Result> => {
    const path = `/item/${id}?attempt=${attempt}&run=${mode}`;
    const hangs = server.plan(id, attempt).kind === 'hang';
    if (hangs) hanging.add(path);
    else answerable++;
    return fetch(`${server.url}${path}`, { signal })
      .then(async (response) => {
        if (!response.ok) {
          // Read the body so that the connection goes back to the pool.
          await response.arrayBuffer();
          throw new HttpStatusError(response.status);
        }
        const body = (await response.json()) as { id: number };
        if (body.id !== id) impossible++;
        return { id, via: attempt === 1 ? 'ok' : 'retried' } as const;
      })
      .catch((error: unknown) => {
        if (signal.aborted) abandoned++;
        else if (!(error instanceof HttpStatusError)) networkFailed.add(id);
        throw error;
      })
      .finally(() => {
        if (hangs) hanging.delete(path);
        else answerable--;
      });
  };
  const config: AsyncWaitConfig<number, Result> = {
    capacity: o.capacity,
    timeout: o.timeout,
    ...(scheduler && { scheduler }),
    retry: { count: o.retry.count, delay: lib.exponentialDelay({ initial: o.retry.initial, max: o.retry.max }) },
    onError: (_error, id) => [{ id, via: 'error' }],
    onTimeout: (id) => [{ id, via: 'timeout' }],
  };

  const account = (result: Result) => {
    const { id } = result;
    via[result.via]++;
    if (mode === 'ordered' && id !== nextInOrder++) outOfOrder++;
    if (seen[id] === 1) duplicates++;
    seen[id] = 1;
    const planned = expectedVia(server, id, o.retry.count);
    if (result.via === 'timeout' && planned !== 'timeout') lateTimeouts++;
    else if (result.via !== planned && !networkFailed.has(id)) impossible++;
  };

  const heapBefore = o.gc === null ? null : await heapAfterGc(o.gc);
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const started = performance.now();
  scheduler?.start();
  try {
    await new Promise<void>((resolve, reject) => {
      range(0, n)
        .pipe((mode === 'ordered' ? lib.orderedWait : lib.unorderedWait)(fn, config))
        .subscribe({ next: account, error: reject, complete: resolve });
    });
  } catch (error) {
    violations.push(`the output failed: ${String(error)}`);
  } finally {
    clearInterval(sampler);
    scheduler?.stop();
  }
  const elapsedMs = performance.now() - started;
  // Aborted connections close on the server a moment after the client gives up on them. The
  // limit only ends the wait when one never closes: a busy host takes longer, not fails.
  const openAtEnd = await server.settled(30_000);
  // Likewise the client's side of an aborted call settles after the output may have completed.
  for (const until = Date.now() + 30_000; answerable + hanging.size > 0 && Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const heapAfter = o.gc === null ? null : await heapAfterGc(o.gc);

  const missing = n - seen.reduce((sum, x) => sum + x, 0);
  const planned: Record<Via, number> = { ok: 0, retried: 0, error: 0, timeout: 0 };
  for (let id = 0; id < n; id++) planned[expectedVia(server, id, o.retry.count)]++;
  const stats = { ...server.stats };
  const meanLatency = (o.server.latency[0] + o.server.latency[1]) / 2;
  const report: ModeReport = {
    mode,
    ids: n,
    via,
    planned,
    abandoned,
    lateTimeouts,
    duplicates,
    missing,
    outOfOrder,
    impossible,
    networkFailures: networkFailed.size,
    server: stats,
    openAtEnd,
    unsettledCalls: answerable + hanging.size,
    elapsedMs,
    idealMs: (n * meanLatency) / o.capacity,
    simulatedMs: simulate(lib, server, mode, o),
    peakRssMB: mb(peakRss),
    peakHeapMB: mb(peakHeap),
    heapBeforeMB: heapBefore === null ? null : mb(heapBefore),
    heapGrowthMB: heapBefore === null || heapAfter === null ? null : mb(heapAfter - heapBefore),
    violations,
  };
  check(report, o);
  return report;
}

/** What an id must end as, from the server's plan, on a machine fast enough to meet every deadline. */
function expectedVia(server: FlakyServer, id: number, retries: number): Via {
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const plan = server.plan(id, attempt);
    if (plan.kind === 'hang') return 'timeout';
    if (plan.kind === 'ok') return attempt === 1 ? 'ok' : 'retried';
  }
  return 'error';
}

function check(r: ModeReport, o: SoakOptions): void {
  const v = r.violations;
  if (r.duplicates > 0) v.push(`${r.duplicates} ids emitted more than once`);
  if (r.missing > 0) v.push(`${r.missing} ids never emitted`);
  if (r.outOfOrder > 0) v.push(`${r.outOfOrder} results out of source order`);
  if (r.impossible > 0) v.push(`${r.impossible} results that contradict the server's plan`);
  if (r.openAtEnd > 0) v.push(`${r.openAtEnd} requests still open on the server after the run`);
  if (r.unsettledCalls > 0) v.push(`${r.unsettledCalls} fn calls never settled`);
  if (r.server.aborted < r.server.hangs)
    v.push(`${r.server.hangs} hanging requests but only ${r.server.aborted} aborted`);
  if (r.server.malformed > 0) v.push(`${r.server.malformed} malformed requests`);
  if (o.clock === 'paced') {
    // No load can make an answer late on this clock: each id ends as planned, and the client gives
    // up on exactly the requests the server holds, each of which the server sees closed.
    if (r.lateTimeouts > 0) v.push(`${r.lateTimeouts} timeouts of ids the server answers`);
    if (r.networkFailures > 0) v.push(`${r.networkFailures} ids with an unplanned network error`);
    if (r.server.aborted !== r.abandoned)
      v.push(`the client gave up on ${r.abandoned} requests, the server saw ${r.server.aborted} aborted`);
    if (r.abandoned !== r.server.hangs)
      v.push(`the server held ${r.server.hangs} requests, the client gave up on ${r.abandoned}`);
  }
  if (o.bounds === null) return;
  const { peakRssMB, heapGrowthMB, slowdown } = o.bounds;
  if (r.peakRssMB > peakRssMB) v.push(`peak RSS ${r.peakRssMB.toFixed(0)} MB > ${peakRssMB} MB`);
  if (r.heapGrowthMB !== null && r.heapGrowthMB > heapGrowthMB) {
    v.push(`heap grew by ${r.heapGrowthMB.toFixed(1)} MB > ${heapGrowthMB} MB`);
  }
  if (r.elapsedMs > slowdown * r.simulatedMs) {
    v.push(
      `took ${(r.elapsedMs / 1000).toFixed(1)} s > ${slowdown} × the simulated ${(r.simulatedMs / 1000).toFixed(1)} s`,
    );
  }
}

/**
 * The run's duration on an ideal machine: each id holds a slot for exactly the time its plan
 * takes (latencies, retry delays, the timeout), slots are refilled at once, nothing else costs time.
 * orderedWait frees a slot only when the result is emitted, i.e. behind every earlier one.
 */
function simulate(lib: SoakLibrary, server: FlakyServer, mode: 'ordered' | 'unordered', o: SoakOptions): number {
  const delay = lib.exponentialDelay({ initial: o.retry.initial, max: o.retry.max });
  const hold = (id: number): number => {
    let t = 0;
    for (let attempt = 1; ; attempt++) {
      const plan = server.plan(id, attempt);
      if (plan.kind === 'hang') return o.timeout;
      t += plan.ms;
      if (t >= o.timeout) return o.timeout;
      if (plan.kind === 'ok' || attempt > o.retry.count) return t;
      t += delay(attempt);
      if (t >= o.timeout) return o.timeout;
    }
  };
  const n = o.ids;
  const capacity = Math.min(o.capacity, n);
  if (mode === 'ordered') {
    // Entry i starts when entry i - capacity has been emitted; emissions are in order.
    const emitted = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const start = i < capacity ? 0 : emitted[i - capacity];
      emitted[i] = Math.max(start + hold(i), i > 0 ? emitted[i - 1] : 0);
    }
    return n === 0 ? 0 : emitted[n - 1];
  }
  // Each id takes the slot that frees first (a binary heap of slot free times).
  const free = new Float64Array(capacity);
  let end = 0;
  for (let i = 0; i < n; i++) {
    const finish = free[0] + hold(i);
    end = Math.max(end, finish);
    free[0] = finish;
    for (let k = 0; ;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < capacity && free[l] < free[m]) m = l;
      if (r < capacity && free[r] < free[m]) m = r;
      if (m === k) break;
      [free[k], free[m]] = [free[m], free[k]];
      k = m;
    }
  }
  return end;
}

/**
 * heapUsed once pending callbacks have run and full collections have freed what they can; the
 * rounds let finalizers (the HTTP client's response bodies use them) run between collections.
 */
async function heapAfterGc(gc: () => void): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

/** The report as a plain-text table, one column per operator. */
export function soakTable(reports: readonly ModeReport[]): string {
  const f0 = (x: number) => x.toFixed(0);
  const f1 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
  const rows: Array<[string, (r: ModeReport) => string]> = [
    ['ids', (r) => f0(r.ids)],
    ['answered first time', (r) => f0(r.via.ok)],
    ['answered after retry', (r) => f0(r.via.retried)],
    ['onError fallback', (r) => f0(r.via.error)],
    ['onTimeout fallback', (r) => f0(r.via.timeout)],
    [
      '  planned: ok, retried, error, timeout',
      (r) => [r.planned.ok, r.planned.retried, r.planned.error, r.planned.timeout].join(', '),
    ],
    ['  of which load-induced', (r) => f0(r.lateTimeouts)],
    ['duplicates', (r) => f0(r.duplicates)],
    ['missing', (r) => f0(r.missing)],
    ['out of order', (r) => (r.mode === 'ordered' ? f0(r.outOfOrder) : '-')],
    ['contradicting the plan', (r) => f0(r.impossible)],
    ['ids with a network error', (r) => f0(r.networkFailures)],
    ['server: requests', (r) => f0(r.server.requests)],
    ['server: 503 answers', (r) => f0(r.server.errors)],
    ['server: hangs', (r) => f0(r.server.hangs)],
    ['client: requests given up', (r) => f0(r.abandoned)],
    ['server: aborted by client', (r) => f0(r.server.aborted)],
    ['server: peak open', (r) => f0(r.server.peakOpen)],
    ['server: open at end', (r) => f0(r.openAtEnd)],
    ['elapsed (s)', (r) => (r.elapsedMs / 1000).toFixed(2)],
    ['ideal N*latency/capacity (s)', (r) => (r.idealMs / 1000).toFixed(2)],
    ['simulated with faults (s)', (r) => (r.simulatedMs / 1000).toFixed(2)],
    ['elapsed / simulated', (r) => (r.elapsedMs / r.simulatedMs).toFixed(2)],
    ['peak RSS (MB)', (r) => f1(r.peakRssMB)],
    ['peak heap (MB)', (r) => f1(r.peakHeapMB)],
    ['heap before, after GC (MB)', (r) => f1(r.heapBeforeMB)],
    ['heap growth after GC (MB)', (r) => f1(r.heapGrowthMB)],
    ['violations', (r) => f0(r.violations.length)],
  ];
  const header = ['', ...reports.map((r) => `${r.mode}Wait`)];
  const body = rows.map(([label, cell]) => [label, ...reports.map(cell)]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c].length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}
