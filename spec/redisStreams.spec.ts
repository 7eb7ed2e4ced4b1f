/**
 * Scale-out on Redis Streams consumer groups (issue 12, part 3), end to end with real parts: a
 * redis-server and the example's enrichment server on 127.0.0.1 (free ports), the example's
 * producer writing EVENTS events, three workers (node child processes) in one consumer group, one
 * of them SIGKILLed midway and a restarted worker that claims what it left pending (XAUTOCLAIM).
 *
 * It checks what at-least-once promises: every event enriched at least once and its final result
 * in the output stream, every entry acked, nothing lost; duplicates are counted and reported, not
 * limited. Nothing depends on the machine's speed: the kill is decided by the progress the
 * workers report, every wait is on a condition (progress, XPENDING, process exit), and no duration
 * is asserted. Each wait has a generous deadline only so that a hang fails with a message.
 *
 * The workers run examples/redis-streams/*.mjs against rxjs-async-io imported by its package name,
 * from an ESM build of lib/ made into a temporary copy of the package (the shared dist/ is never
 * written, and the example always runs today's sources). Needs `redis-server` on the PATH
 * (Debian's `redis-server`; .ci/run installs it when missing).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

jest.setTimeout(600_000);

const EVENTS = 20_000;
const WORKERS = 3;
/** The victim is the first worker that has written this many results (and holds unacked entries). */
const KILL_AFTER_WRITTEN = 1_500;
/** The enrichment server's rules (see enrichServer.mjs): which events fail for a while, which for good. */
const TRANSIENT_EVERY = 100;
const PERMANENT_EVERY = 500;
/** Deadline of each wait: far beyond any sane run, only there to turn a hang into a message. */
const WAIT_LIMIT_MS = 480_000;

const repo = resolve(__dirname, '..');
const STREAM = 'events';
const RESULTS = 'results';
const GROUP = 'enrichers';

/** Progress a worker reports over IPC (see worker.mjs). */
interface WorkerFigures {
  consumer: string;
  read: number;
  claimed: number;
  written: number;
  fallbacks: number;
  acked: number;
  unwrittenPeak: number;
  rssPeak: number;
}

interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The last progress (or final) figures it reported. */
  figures: WorkerFigures | null;
  done: boolean;
  /** Whether the test ended it on purpose; any other exit fails the run. */
  expectedExit: boolean;
  output: string;
}

// --- the parts, and how they are stopped even on failure ---------------------------------------------

let work: string | undefined;
let redisServer: ChildProcess | undefined;
let redis: Redis | undefined;
const children: Child[] = [];
/** Set when a child exits unexpectedly; every wait checks it. */
let crash: Error | null = null;

/** Last resort if the test process exits without afterAll: no child may outlive it. */
function killEverything(): void {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  if (redisServer?.exitCode === null) redisServer.kill('SIGKILL');
}
process.on('exit', killEverything);

afterAll(async () => {
  redis?.disconnect();
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.expectedExit = true;
      child.process.kill('SIGKILL');
    }
  }
  await Promise.all(children.map((child) => child.exited));
  if (redisServer !== undefined && redisServer.exitCode === null && redisServer.signalCode === null) {
    const exited = new Promise((done) => redisServer?.once('exit', done));
    redisServer.kill('SIGTERM');
    await exited;
  }
  process.off('exit', killEverything);
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

// --- helpers ---------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    if (crash !== null) throw crash;
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** A copy of the package with an ESM build of lib/ and the example, resolving node_modules from the repo. */
function buildPackage(dir: string): string {
  const pkg = join(dir, 'pkg');
  mkdirSync(pkg);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.esm.json', 'scripts', 'lib']) {
    cpSync(join(repo, entry), join(pkg, entry), { recursive: true });
  }
  cpSync(join(repo, 'examples', 'redis-streams'), join(pkg, 'examples', 'redis-streams'), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.esm.json'], {
    cwd: pkg,
    stdio: 'pipe',
  });
  execFileSync(process.execPath, ['scripts/dist.mjs', 'mark'], { cwd: pkg, stdio: 'pipe' });
  return pkg;
}

/** Starts redis-server on a free port; tries again if another process took the port meanwhile. */
async function startRedis(dir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const server = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    redisServer = server;
    let log = '';
    const ready = await new Promise<boolean>((done, fail) => {
      server.once('error', fail); // e.g. ENOENT: redis-server is not installed
      server.stdout.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ready to accept connections')) done(true);
      });
      server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      server.once('exit', () => done(false));
    });
    if (ready) {
      server.stdout.removeAllListeners('data').resume();
      server.stderr.removeAllListeners('data').resume();
      return port;
    }
    if (attempt === 3) throw new Error(`redis-server did not start:\n${log}`);
  }
}

/** Forks one of the example's scripts with an IPC channel, collecting its output for error messages. */
function forkExample(pkg: string, name: string, script: string, args: string[]): Child {
  const child = fork(join(pkg, 'examples', 'redis-streams', script), args, {
    cwd: pkg,
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const handle: Child = {
    name,
    process: child,
    exited: new Promise((done) => child.once('exit', (code) => done(code))),
    figures: null,
    done: false,
    expectedExit: false,
    output: '',
  };
  const collect = (chunk: Buffer): void => {
    handle.output = (handle.output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('message', (message: { type: string } & WorkerFigures) => {
    if (message.type === 'progress' || message.type === 'done') handle.figures = message;
    if (message.type === 'done') handle.done = true;
  });
  child.once('exit', (code, signal) => {
    if (!handle.expectedExit && crash === null) {
      crash = new Error(`${name} exited with ${signal ?? code}:\n${handle.output}`);
    }
  });
  children.push(handle);
  return handle;
}

const isPermanent = (event: number): boolean => event % PERMANENT_EVERY === PERMANENT_EVERY - 1;
const isTransient = (event: number): boolean => !isPermanent(event) && event % TRANSIENT_EVERY === TRANSIENT_EVERY - 1;
/** The enrichment of an event, as enrichServer.mjs computes it. */
const scoreOf = (event: number): number => (Math.imul(event, 2654435761) >>> 0) % 1000;

// --- the run ------------------------------------------------------------------------------------------

interface Result {
  event: number;
  entry: string;
  consumer: string;
  status: string;
  data: { event?: number; score?: number; error?: string };
}

interface Run {
  entryOf: Map<number, string>;
  results: Result[];
  pendingAfter: number;
  lastDelivered: string;
  lastEntry: string;
  victim: Child;
  /** Entry ids pending on the victim right after it was killed. */
  victimPending: string[];
  restarted: Child;
  workers: Child[];
  serverStats: {
    requests: number;
    transient: number;
    permanent: number;
    distinctRequested: number;
    distinctOk: number;
  };
  seconds: number;
}

let run: Run;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rxjs-async-io-redis-'));
  const pkg = buildPackage(work);
  const redisDir = join(work, 'redis');
  mkdirSync(redisDir);
  const port = await startRedis(redisDir);
  const redisUrl = `redis://127.0.0.1:${port}`;
  redis = new Redis(port, '127.0.0.1');

  const enrichServer = forkExample(pkg, 'enrichServer', 'enrichServer.mjs', [
    '--transient-every',
    String(TRANSIENT_EVERY),
    '--permanent-every',
    String(PERMANENT_EVERY),
  ]);
  let enrichUrl = '';
  enrichServer.process.on('message', (message: { type: string; url: string }) => {
    if (message.type === 'listening') enrichUrl = message.url;
  });
  await waitFor('the enrichment server to listen', () => enrichUrl !== '');

  const producer = forkExample(pkg, 'producer', 'producer.mjs', ['--redis', redisUrl, '--events', String(EVENTS)]);
  producer.expectedExit = true;
  expect(await producer.exited).toBe(0);
  expect(await redis.xlen(STREAM)).toBe(EVENTS);

  // Settings of the workers. min-idle is well above the time an entry waits in a live worker whose
  // pull front bounds its queue, so that mostly the dead worker's entries are claimed.
  const workerArgs = (consumer: string): string[] => [
    ...['--consumer', consumer, '--redis', redisUrl, '--enrich', enrichUrl],
    ...['--stream', STREAM, '--results', RESULTS, '--group', GROUP],
    ...['--capacity', '50', '--count', '10', '--timeout-ms', '30000'],
    ...['--block-ms', '200', '--min-idle-ms', '5000', '--claim-every-ms', '500', '--ack-every-ms', '100'],
  ];
  const started = Date.now();
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    forkExample(pkg, `w${i + 1}`, 'worker.mjs', workerArgs(`w${i + 1}`)),
  );

  // Kill one worker midway: it has written some results, and holds entries it has not acked.
  let victim: Child | undefined;
  await waitFor(`a worker with ${KILL_AFTER_WRITTEN} results written`, () => {
    victim = workers.find(
      ({ figures }) => figures !== null && figures.written >= KILL_AFTER_WRITTEN && figures.read > figures.acked,
    );
    return victim !== undefined;
  });
  victim = victim as Child;
  victim.expectedExit = true;
  victim.process.kill('SIGKILL');
  await victim.exited;
  const victimPending = ((await redis.xpending(STREAM, GROUP, '-', '+', EVENTS, victim.name)) as [string][]).map(
    ([id]) => id,
  );

  const restarted = forkExample(pkg, `${victim.name}-restarted`, 'worker.mjs', workerArgs(`${victim.name}-restarted`));
  const alive = [...workers.filter((worker) => worker !== victim), restarted];

  // Done when the group has delivered the whole stream and nothing is pending (acked = written).
  const lastEntry = ((await redis.xrevrange(STREAM, '+', '-', 'COUNT', 1)) as [string, string[]][])[0][0];
  let pendingAfter = -1;
  let lastDelivered = '';
  await waitFor('every entry delivered and acked', async () => {
    const [count] = (await redis?.xpending(STREAM, GROUP)) as [number, ...unknown[]];
    const groups = (await redis?.xinfo('GROUPS', STREAM)) as string[][];
    const group = groups.find((fields) => fields[fields.indexOf('name') + 1] === GROUP) ?? [];
    pendingAfter = Number(count);
    lastDelivered = String(group[group.indexOf('last-delivered-id') + 1]);
    return pendingAfter === 0 && lastDelivered === lastEntry;
  });
  const seconds = (Date.now() - started) / 1000;

  // Stop the workers gracefully: they finish what they hold (duplicates of claimed entries) and report.
  for (const worker of alive) {
    worker.expectedExit = true;
    worker.process.kill('SIGTERM');
  }
  const codes = await Promise.all(alive.map((worker) => worker.exited));
  expect(codes).toEqual(alive.map(() => 0));
  expect(alive.every((worker) => worker.done)).toBe(true);

  const serverStats = (await (await fetch(`${enrichUrl}/stats`)).json()) as Run['serverStats'];
  enrichServer.expectedExit = true;
  enrichServer.process.kill('SIGTERM');
  await enrichServer.exited;

  const entryOf = new Map<number, string>();
  for await (const [id, fields] of readStream(redis, STREAM)) entryOf.set(Number(field(fields, 'event')), id);
  const results: Result[] = [];
  for await (const [, fields] of readStream(redis, RESULTS)) {
    results.push({
      event: Number(field(fields, 'event')),
      entry: field(fields, 'entry'),
      consumer: field(fields, 'consumer'),
      status: field(fields, 'status'),
      data: JSON.parse(field(fields, 'data')) as Result['data'],
    });
  }
  const [finalPending] = (await redis.xpending(STREAM, GROUP)) as [number];
  run = {
    entryOf,
    results,
    pendingAfter: Number(finalPending),
    lastDelivered,
    lastEntry,
    victim,
    victimPending,
    restarted,
    workers: [...workers, restarted],
    serverStats,
    seconds,
  };

  const mb = (bytes: number | undefined): string => `${((bytes ?? 0) / 2 ** 20).toFixed(0)} MB`;
  const perWorker = run.workers
    .map(({ name, figures }) => {
      const f = figures as WorkerFigures;
      return `  ${name}: read ${f.read} (claimed ${f.claimed}), written ${f.written}, acked ${f.acked}, at most ${f.unwrittenPeak} read and unwritten, peak RSS ${mb(f.rssPeak)}${name === victim?.name ? ' (SIGKILLed)' : ''}`;
    })
    .join('\n');
  console.log(
    `Redis Streams scale-out: ${EVENTS} events, ${results.length} results written, ` +
      `${results.length - new Set(results.map((r) => r.event)).size} duplicates, ` +
      `${EVENTS - run.pendingAfter} acked (${run.pendingAfter} pending), ` +
      `${victimPending.length} entries pending on ${victim.name} when killed, ${seconds.toFixed(1)} s\n${perWorker}`,
  );
});

async function* readStream(client: Redis, key: string): AsyncGenerator<[string, string[]]> {
  let start = '-';
  for (;;) {
    const batch = (await client.xrange(key, start, '+', 'COUNT', 5000)) as [string, string[]][];
    yield* batch;
    if (batch.length < 5000) return;
    start = `(${batch[batch.length - 1][0]}`;
  }
}

function field(fields: string[], name: string): string {
  const at = fields.indexOf(name);
  if (at < 0 || at % 2 !== 0) throw new Error(`field ${name} missing in [${fields.join(', ')}]`);
  return fields[at + 1];
}

// --- the checks -----------------------------------------------------------------------------------------

describe('Redis Streams consumer group with orderedWait workers, one SIGKILLed midway', () => {
  it('writes a final result for every event, for its own entry, and none for anything else', () => {
    expect(run.entryOf.size).toBe(EVENTS);
    const seen = new Set<number>();
    for (const result of run.results) {
      expect(run.entryOf.get(result.event)).toBe(result.entry);
      seen.add(result.event);
    }
    expect(seen.size).toBe(EVENTS);
  });

  it('gives each event the result its enrichment calls deserve: retried through 503s, a fallback for 404s', () => {
    const wrong: string[] = [];
    for (const { event, status, data } of run.results) {
      const fine = isPermanent(event)
        ? status === 'fallback' && /404/.test(data.error ?? '')
        : status === 'ok' && data.event === event && data.score === scoreOf(event);
      if (!fine) wrong.push(`${event}: ${status} ${JSON.stringify(data)}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // The server saw every event, answered 200 for every event not doomed, and each transient
    // event's first two attempts failed (so its 'ok' came from a retry).
    const permanent = Array.from({ length: EVENTS }, (_, e) => e).filter(isPermanent).length;
    const transient = Array.from({ length: EVENTS }, (_, e) => e).filter(isTransient).length;
    expect(permanent).toBeGreaterThan(0);
    expect(transient).toBeGreaterThan(0);
    expect(run.serverStats.distinctRequested).toBe(EVENTS);
    expect(run.serverStats.distinctOk).toBe(EVENTS - permanent);
    expect(run.serverStats.transient).toBeGreaterThanOrEqual(2 * transient);
    expect(run.serverStats.permanent).toBeGreaterThanOrEqual(permanent);
  });

  it('acks every entry: the group delivered the whole stream and nothing is pending', () => {
    expect(run.lastDelivered).toBe(run.lastEntry);
    expect(run.pendingAfter).toBe(0);
  });

  it('claims the killed worker’s pending entries (XAUTOCLAIM) and processes them elsewhere', () => {
    expect(run.victimPending.length).toBeGreaterThan(0);
    const claimed = run.workers
      .filter((worker) => worker !== run.victim)
      .reduce((sum, { figures }) => sum + (figures?.claimed ?? 0), 0);
    expect(claimed).toBeGreaterThanOrEqual(run.victimPending.length);
    // Each entry the victim left unacked has a result written by another worker, even when the
    // victim wrote one before it died (it could not ack it any more).
    const elsewhere = new Set(run.results.filter((r) => r.consumer !== run.victim.name).map((r) => r.entry));
    expect(run.victimPending.filter((id) => !elsewhere.has(id))).toEqual([]);
  });

  it('bounds what each worker holds: read and not yet written <= capacity + prefetch (0) + COUNT + the one being written', () => {
    // capacity 50, prefetch 0, XREADGROUP COUNT 10; one more while its result is being written.
    const peaks = run.workers.map(({ name, figures }) => ({
      name,
      within: (figures?.unwrittenPeak ?? Infinity) <= 50 + 0 + 10 + 1,
    }));
    expect(peaks).toEqual(run.workers.map(({ name }) => ({ name, within: true })));
  });

  it('has every worker report its peak RSS', () => {
    for (const { figures } of run.workers) expect(figures?.rssPeak).toBeGreaterThan(0);
  });
});
