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

// Bounds, and why:
// - Heap growth after GC, once a run is over: 16 MB. Nothing of a finished element may stay
//   reachable, so what remains must not grow with N: 16 MB at 100,000 ids is 160 bytes per id, less
//   than one entry with its result, so retaining anything per element fails the run; the margin is
//   for V8's compiled code and the HTTP client's connection pool, both independent of N.
// - Peak RSS: 512 MB, a coarse guard (the heap bound above is the leak check). The operators hold
//   what the capacity allows (200 fetches, each with its socket and buffers, client and server
//   side) plus the ids not yet started (8 bytes each); the rest is node + ts-node at rest (~100 MB)
//   and the garbage the HTTP stack makes between collections at up to ~3,500 requests/s. Measured
//   250-350 MB whatever N (2,000 to 100,000), so the peak does not grow with the stream.
// - Time: at most 3 x the simulated run, i.e. the same ids with their planned latencies, faults,
//   retries and timeouts on a machine with no overhead. Client and server share one process on a
//   2-core machine shared with other work, so 3 x leaves room for load, not for a stuck slot.
const bounds = { peakRssMB: 512, heapGrowthMB: 16, slowdown: 3 };

const started = performance.now();
const log = (line) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
const reports = await soak(lib, {
  ids,
  capacity,
  timeout,
  // Real time: under load, answers turn into timeouts and the run slows; the bounds above judge it.
  clock: 'real',
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
const perId = ((bounds.heapGrowthMB * 1024 * 1024) / ids).toFixed(0);
console.log('\nBounds (why: see bench/soak.mjs):');
console.log(
  `  heap growth after GC <= ${bounds.heapGrowthMB} MB (${perId} bytes per id here): a finished run keeps nothing per element`,
);
console.log(`  peak RSS <= ${bounds.peakRssMB} MB: set by the capacity and the HTTP stack's garbage, not by N`);
console.log(`  elapsed <= ${bounds.slowdown} x simulated: the same faults on a machine with no overhead`);
const violations = reports.flatMap((r) => r.violations.map((v) => `${r.mode}Wait: ${v}`));
if (violations.length > 0) {
  console.log(`\nFAILED: ${violations.length} violation(s)`);
  for (const v of violations) console.log(`  - ${v}`);
  process.exit(1);
}
console.log('\nOK: every id accounted for exactly once, every abandoned request aborted on the server.');
