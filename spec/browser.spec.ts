/**
 * The ESM build in a real browser: Debian's Chromium, driven by puppeteer-core, loads a small page
 * (spec/browser/) that imports rxjs-async-io and rxjs through an import map, from a node:http server
 * on 127.0.0.1. The same server is the backend the page calls, so every claim is checked from both
 * ends: what the page returns through `page.evaluate`, and what the server saw of each request.
 *
 * The package is built afresh for this file by the ESM step of `npm run build` (`tsc -p
 * tsconfig.esm.json`) into a temporary directory, so it tests the current sources without writing
 * the shared dist/ that other work may be reading. `--noCheck` and no declarations: the JavaScript
 * is the same as dist/esm's, and `npm run typecheck` and package.spec.ts check the rest; this build
 * costs about a second of CPU.
 *
 * Nothing here depends on the machine's speed: the answer order is fixed by a protocol (the server
 * releases an answer only when the page has acknowledged the next one), the timed-out requests hang
 * until aborted, and the timeout is long enough for a request to reach the server on a busy machine.
 * No assertion is about a duration.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { launch, type Browser, type Page } from 'puppeteer-core';

// Limits against a hang only, far above what a run takes (about 8 s on an idle 2-core machine,
// under 50 s with the machine overloaded): a busy machine must not fail this file.
jest.setTimeout(60_000);
const START_LIMIT_MS = 150_000;

const repo = resolve(__dirname, '..');
/**
 * The per-call timeout: long enough for the immediate calls to be answered and the hanging one to
 * reach the server on a loaded machine; each timeout scenario waits it out once.
 */
const TIMEOUT_MS = 2_000;

/** Where `chromium` is on PATH (Debian's package puts it in /usr/bin); `.ci/run` installs it when missing. */
function findChromium(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'chromium');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('chromium is not on PATH: install the Debian package `chromium` (.ci/run does)');
}

// ---------------------------------------------------------------------------------------------
// The server: static files for the page, and the backend the page's calls go to.

let work: string;
let build: string;
let server: Server | undefined;
let base: string;

/** Paths the server could not serve; a module that fails to load would show here first. */
const missing: string[] = [];
const served = new Set<string>();
/** How many times each `/item/<name>` was requested. */
const items = new Map<string, number>();

interface Hang {
  arrived: Promise<void>;
  /** Resolves with whether a response had been ended when the connection closed (never, here). */
  closed: Promise<{ ended: boolean }>;
  arrive(): void;
  close(ended: boolean): void;
}
const hangs = new Map<string, Hang>();
let openHangs = 0;

/** The record of the hanging request `name`, made by whichever comes first: the test or the request. */
function hang(name: string): Hang {
  let entry = hangs.get(name);
  if (entry === undefined) {
    let arrive!: () => void;
    let close!: (ended: boolean) => void;
    const arrived = new Promise<void>((done) => (arrive = done));
    const closed = new Promise<{ ended: boolean }>((done) => (close = (ended) => done({ ended })));
    entry = { arrived, closed, arrive, close };
    hangs.set(name, entry);
  }
  return entry;
}

/** One answer-order run: which ids were requested, which were acknowledged, and who waits for whom. */
interface Reversed {
  requested: number[];
  acked: Set<number>;
  /** Answer of id n - 1, waiting for the acknowledgement of id n. */
  waiting: Map<number, () => void>;
}
const reversed = new Map<string, Reversed>();

function reversedRun(run: string): Reversed {
  let state = reversed.get(run);
  if (state === undefined) {
    state = { requested: [], acked: new Set(), waiting: new Map() };
    reversed.set(run, state);
  }
  return state;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/**
 * A file under `root`, or undefined. `loose` adds a bundler's resolution (`x` → `x.js`, `x/index.js`),
 * which rxjs's ESM build needs: it imports `./internal/Observable` without an extension. Our own
 * build is served strictly, so it must load in a browser as published.
 */
function fileUnder(root: string, rest: string, loose: boolean): string | undefined {
  const path = resolve(root, decodeURIComponent(rest));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  const candidates = loose ? [path, `${path}.js`, join(path, 'index.js')] : [path];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

function staticFile(path: string): string | undefined {
  if (path === '/') return join(repo, 'spec/browser/index.html');
  if (path === '/page.js') return join(repo, 'spec/browser/page.js');
  if (path === '/tslib.js') return join(repo, 'node_modules/tslib/tslib.es6.mjs');
  if (path.startsWith('/pkg/')) return fileUnder(build, path.slice('/pkg/'.length), false);
  if (path.startsWith('/rxjs/')) return fileUnder(join(repo, 'node_modules/rxjs/dist/esm'), path.slice(6), true);
  return undefined;
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', base);
  const [, kind, first, second] = url.pathname.split('/');

  if (kind === 'item') {
    items.set(first, (items.get(first) ?? 0) + 1);
    json(res, { name: first });
  } else if (kind === 'hang') {
    // Never answered: the only way this request ends is the client closing it.
    const entry = hang(first);
    openHangs += 1;
    res.on('close', () => {
      openHangs -= 1;
      entry.close(res.writableEnded);
    });
    entry.arrive();
  } else if (kind === 'reversed') {
    const state = reversedRun(first);
    const id = Number(second);
    state.requested.push(id);
    const answer = (): void => json(res, { id });
    if (id === Number(url.searchParams.get('last')) || state.acked.has(id + 1)) answer();
    else state.waiting.set(id + 1, answer);
  } else if (kind === 'ack') {
    const state = reversedRun(first);
    const id = Number(second);
    state.acked.add(id);
    state.waiting.get(id)?.();
    state.waiting.delete(id);
    // 200 with a body, not 204: Chromium's network layer reports a bodiless fetch as failed.
    json(res, { ack: id });
  } else if (url.pathname === '/favicon.ico') {
    res.writeHead(204).end();
  } else {
    const file = staticFile(url.pathname);
    if (file === undefined) {
      missing.push(url.pathname);
      res.writeHead(404).end();
      return;
    }
    served.add(url.pathname);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  }
}

// ---------------------------------------------------------------------------------------------
// The browser.

let profile: string | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
/** Requests the browser's network layer reports as failed: path and Chromium's error text. */
const failedRequests: string[] = [];

interface Scenarios {
  answerOrder(operator: 'orderedWait' | 'unorderedWait'): Promise<{
    run: string;
    output: number[];
    answered: number[];
    ackStatuses: number[];
  }>;
  fetchTimeout(timeout: number): Promise<{ output: unknown[]; aborted: string[]; fetches: string[] }>;
  ajaxTimeout(timeout: number): Promise<{ output: unknown[]; xhrAborted: string[] }>;
}
type PageWindow = { scenarios: Scenarios };

/** What the page and the server returned, printed when BROWSER_SPEC_LOG is set (for the record). */
const record: Record<string, unknown> = {};

beforeAll(async () => {
  const executablePath = findChromium();
  work = mkdtempSync(join(tmpdir(), 'rxjs-async-io-browser-'));
  build = join(work, 'esm');
  profile = join(work, 'profile');

  server = createServer(handle);
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The build and the browser's start-up are independent: overlap them, but let both finish before
  // failing, so that afterAll neither misses a browser nor removes a directory tsc is writing to.
  const [built, started] = await Promise.allSettled([
    promisify(execFile)(
      process.execPath,
      [
        join(repo, 'node_modules/typescript/bin/tsc'),
        ...['-p', 'tsconfig.esm.json', '--outDir', build],
        ...['--noCheck', '--declaration', 'false', '--declarationMap', 'false'],
      ],
      { cwd: repo },
    ),
    launch({
      executablePath,
      headless: true,
      timeout: START_LIMIT_MS,
      // A pipe instead of a debugging port: the browser listens on no address at all.
      pipe: true,
      userDataDir: profile,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
  if (started.status === 'fulfilled') browser = started.value;
  if (built.status === 'rejected') throw built.reason;
  if (started.status === 'rejected') throw started.reason;

  page = await browser!.newPage();
  page.setDefaultTimeout(START_LIMIT_MS);
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${String(error)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) =>
    failedRequests.push(`${new URL(request.url()).pathname} ${request.failure()?.errorText ?? ''}`),
  );
  await page.goto(`${base}/`, { waitUntil: 'load' });
  // Module scripts run before the load event; a module that failed to load leaves no `scenarios`.
  const loaded = await page.evaluate(() => Object.keys((window as unknown as PageWindow).scenarios ?? {}));
  if (loaded.length === 0) throw new Error(`the page did not load: ${JSON.stringify({ missing, pageErrors })}`);
}, START_LIMIT_MS);

/** Runs every step even when one fails, then throws the first failure. */
async function closeAll(steps: (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

afterAll(async () => {
  if (process.env.BROWSER_SPEC_LOG) console.log(JSON.stringify(record, null, 2));
  const chromium = browser?.process();
  await closeAll([
    () => browser?.close(),
    // Should close() ever fail, the process must not outlive the test (killed by its own id).
    () => {
      if (chromium && chromium.exitCode === null && chromium.signalCode === null) chromium.kill('SIGKILL');
    },
    async () => {
      if (server === undefined) return;
      server.closeAllConnections();
      await new Promise<void>((done, fail) => server!.close((error) => (error ? fail(error) : done())));
    },
    () => work && rmSync(work, { recursive: true, force: true, maxRetries: 5 }),
  ]);
}, START_LIMIT_MS);

// ---------------------------------------------------------------------------------------------

describe('the ESM build in headless Chromium', () => {
  it('loads from the import map: our build as published (no extension guessing), rxjs, no error', async () => {
    record.loaded = { served: [...served].filter((path) => path.startsWith('/pkg/')).sort(), missing, pageErrors };
    expect([...served]).toEqual(expect.arrayContaining(['/pkg/index.js', '/pkg/orderedWait.js', '/rxjs/index.js']));
    expect(missing).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it.each(['orderedWait', 'unorderedWait'] as const)(
    '%s with fetch + context.signal: the server answers 5, 4, 3, 2, 1',
    async (operator) => {
      const result = await page.evaluate(
        (name) => (window as unknown as PageWindow).scenarios.answerOrder(name),
        operator,
      );
      const seen = reversed.get(result.run);
      record[operator] = { ...result, serverRequested: seen?.requested, serverAcked: [...(seen?.acked ?? [])] };

      // The protocol worked as designed: later ids were answered first, each id asked for once.
      expect(result.answered).toEqual([5, 4, 3, 2, 1]);
      expect([...(seen?.requested ?? [])].sort()).toEqual([1, 2, 3, 4, 5]);
      expect(result.ackStatuses).toEqual([200, 200, 200, 200, 200]);
      // orderedWait keeps the source order; unorderedWait emits in answer order.
      expect(result.output).toEqual(operator === 'orderedWait' ? [1, 2, 3, 4, 5] : [5, 4, 3, 2, 1]);
    },
  );

  it('a timeout aborts the fetch through context.signal: the server sees it closed, the page gets the fallback', async () => {
    const watched = hang('fetch');
    const result = await page.evaluate(
      (timeout) => (window as unknown as PageWindow).scenarios.fetchTimeout(timeout),
      TIMEOUT_MS,
    );
    await watched.arrived;
    const closed = await watched.closed;
    record.fetchTimeout = { ...result, serverClosed: closed, serverItems: { a: items.get('a'), c: items.get('c') } };

    expect(result.output).toEqual([{ name: 'a' }, { name: 'hang', fallback: true }, { name: 'c' }]);
    // Only the timed-out entry's signal was aborted; its fetch rejected with the signal's reason,
    // the element's AsyncTimeoutError (issue 9, fault 6), which says why.
    expect(result.aborted).toEqual(['hang']);
    expect(result.fetches).toEqual(['a: answered', 'hang: AsyncTimeoutError', 'c: answered']);
    // Server side: the connection closed before any response was ended, i.e. the client aborted it.
    expect(closed).toEqual({ ended: false });
  });

  it('a timeout cancels an rxjs/ajax inner: its XMLHttpRequest is aborted and the server sees it closed', async () => {
    const watched = hang('ajax');
    const result = await page.evaluate(
      (timeout) => (window as unknown as PageWindow).scenarios.ajaxTimeout(timeout),
      TIMEOUT_MS,
    );
    await watched.arrived;
    const closed = await watched.closed;
    record.ajaxTimeout = { ...result, serverClosed: closed };

    expect(result.output).toEqual([{ name: 'a' }, { name: 'hang', fallback: true }, { name: 'c' }]);
    expect(result.xhrAborted).toEqual(['hang']);
    expect(closed).toEqual({ ended: false });
  });

  it('leaves no request open, and no request but the timed-out ones failed', () => {
    record.end = { openHangs, failedRequests, pageErrors, missing };
    expect(openHangs).toBe(0);
    // Chromium reports failures asynchronously, so the aborted ones may or may not be listed yet.
    expect(failedRequests.filter((request) => !request.startsWith('/hang/'))).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(missing).toEqual([]);
  });
});
