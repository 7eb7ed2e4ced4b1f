// `npm run soak` = `npm run build && node --expose-gc bench/soak.mjs [--ids N]`
//
// The soak of issue 4 against the built package (dist/cjs): N ids (default 100,000) through
// orderedWait, then unorderedWait, each a fetch with ctx.signal to a flaky node:http server on
// 127.0.0.1 (random latency, 503s, hangs), with a timeout, retry with exponential back-off and
// onError/onTimeout fallbacks. Prints a table and exits non-zero on any violation. The driver and
// its checks are spec/support/soak.ts, shared with the short run in `npm test` (spec/soak.spec.ts);
// it is loaded through ts-node, and given the built operators.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
const { soak, soakTable } = require('../spec/support/soak.ts');
const lib = require('../dist/cjs/index.js');

function parseIds(argv) {
  const at = argv.findIndex((arg) => arg === '--ids' || arg.startsWith('--ids='));
  if (at === -1) return 100_000;
  const text = argv[at] === '--ids' ? argv[at + 1] : argv[at].slice('--ids='.length);
  const ids = Number(text);
  if (!Number.isInteger(ids) || ids < 1) throw new Error(`--ids takes a whole number >= 1, got ${text}`);
  return ids;
}

if (typeof globalThis.gc !== 'function') {
  console.error(
    'bench/soak.mjs measures retained memory with forced GCs: run it as `node --expose-gc bench/soak.mjs` (or `npm run soak`).',
  );
  process.exit(2);
}

const ids = parseIds(process.argv.slice(2));
const capacity = 200;
// 200 calls of 20-80 ms in flight: ideally 100,000 ids take 100,000 * 50 / 200 = 25 s per operator.
const latency = [20, 80];
// The slowest planned answer with both retries (80 + 10 + 80 + 20 + 80 = 270 ms) stays well under
// the timeout, so on an idle machine only the planned hangs time out.
const timeout = 400;

// Memory bounds, and why:
// - Heap growth after GC, once a run is over: 16 MB. Nothing of a finished element may stay
//   reachable, so what remains must not grow with N; 16 MB covers V8's code and the HTTP client's
//   connection pool (both independent of N), and the driver's own N-byte tally.
// - Peak RSS: 400 MB. What the operators hold is bounded by the capacity (200 calls, each a fetch
//   with its sockets and buffers, some tens of KB, client and server side) plus the input buffer of
//   ids not yet started (8 bytes each: under 2 MB at 100,000); the rest is the garbage the HTTP
//   stack makes between collections, and node + ts-node themselves (~100 MB at rest).
// - Time: at most 3 × the simulated run, i.e. the same ids with their planned latencies, faults,
//   retries and timeouts on a machine with no overhead. Client and server share one process on a
//   2-core machine shared with other work, so 3 × leaves room for load, not for a stuck slot.
const bounds = { peakRssMB: 400, heapGrowthMB: 16, slowdown: 3 };

const started = performance.now();
const log = (line) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
const reports = await soak(lib, {
  ids,
  capacity,
  timeout,
  retry: { count: 2, initial: 10, max: 80 },
  server: { seed: 1, latency, errorRate: 0.03, hangRate: 0.001, brokenRate: 0.002 },
  gc: globalThis.gc,
  bounds,
  log,
});

console.log(
  `\nSoak: ${ids} ids per operator, capacity ${capacity}, latency ${latency[0]}-${latency[1]} ms, timeout ${timeout} ms,`,
);
console.log('503s 3% per attempt (retried twice, exponential back-off from 10 ms), 0.2% of ids always 503 (onError),');
console.log('0.1% of attempts never answered (onTimeout); server on 127.0.0.1 in this process.\n');
console.log(soakTable(reports));
console.log(
  `\nBounds: peak RSS <= ${bounds.peakRssMB} MB, heap growth after GC <= ${bounds.heapGrowthMB} MB, ` +
    `elapsed <= ${bounds.slowdown} x simulated (see bench/soak.mjs for why).`,
);
const violations = reports.flatMap((r) => r.violations.map((v) => `${r.mode}Wait: ${v}`));
if (violations.length > 0) {
  console.log(`\nFAILED: ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  - ${v}`);
  process.exit(1);
}
console.log('\nOK: every id accounted for exactly once, every abandoned request aborted on the server.');
