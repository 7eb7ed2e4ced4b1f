// The workload for counting instructions instead of time (docs/architecture.md, "What keeps the
// per-element path fast"): timing on a shared machine moves by more than the effects worth
// chasing, while an instruction count under valgrind repeats to 0.1 %.
//
//   RUNS=2  valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file \
//           --cachegrind-out-file=/dev/null node --single-threaded --expose-gc \
//           bench/instructions.mjs [DIR] [A|B] [orderedWait|unorderedWait] [rx|array]
//   RUNS=12 ... the same
//
// (count with RUNS=12 − count with RUNS=2) / 10 is one subscription's cost. DIR is a checkout
// whose dist/cjs to load (default: this one, after `npm run build`); N sets the elements per
// subscription (default 200,000); KEEP=1 keeps one extra subscription open throughout, so that
// V8 keeps its hidden classes whichever engine is measured; MONITOR=1 watches each subscription
// with an AsyncWaitMonitor (scenario H's question). For instructions per function, run
// valgrind --tool=callgrind --dump-instr=yes with node --perf-basic-prof and map the addresses
// to the /tmp/perf-<pid>.map that V8 writes.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, NEVER, of, Subject } from 'rxjs';
import { OrderedSink, UnorderedSink } from './check.mjs';
import { indexes, promiseWork, syncWork } from './work.mjs';

const here = fileURLToPath(new URL('..', import.meta.url));
const [dir = here, scenario = 'B', operator = 'unorderedWait', form = 'rx'] = process.argv.slice(2);
const lib = createRequire(import.meta.url)(resolve(dir, 'dist/cjs/index.js'));
const n = Number(process.env.N ?? 200_000);
const runs = Number(process.env.RUNS ?? 12);
const work = scenario === 'A' ? syncWork : promiseWork;
const fn = form === 'array' ? work.array : work.rx;
const input = indexes(n);

if (process.env.KEEP) {
  const source = new Subject();
  source.pipe(lib[operator]((x) => (x === 0 ? NEVER : x === 1 ? [x] : of(x)), undefined, 100)).subscribe(() => {});
  [0, 1, 2].forEach((x) => source.next(x));
}

for (let r = 0; r < runs; r++) {
  const sink = operator === 'orderedWait' ? new OrderedSink() : new UnorderedSink(n);
  globalThis.gc?.();
  await new Promise((done, fail) =>
    from(input)
      .pipe(
        process.env.MONITOR
          ? lib[operator](fn, { capacity: 100, monitor: new lib.AsyncWaitMonitor() })
          : lib[operator](fn, undefined, 100),
      )
      .subscribe({ next: (v) => sink.next(v), error: fail, complete: done }),
  );
  sink.verify(operator, n);
}
