// The batching scenario of issue 11, run by bench/run.mjs as BATCH (`--only BATCH`) or on its own:
//   node --expose-gc bench/batch.mjs [--quick]
// A real node:http server on 127.0.0.1 (a free port) has a bulk endpoint that answers a JSON array
// of ids after 20 ms + 0.1 ms per id. N ids go through per-element orderedWait (one id per call),
// orderedWaitBatch and unorderedWaitBatch (100 ids per call, 4 calls in flight), and DataLoader
// (maxBatchSize 100) behind mergeMap with the same 400 elements in flight, all calling that endpoint
// through one keep-alive agent. Reported: backend calls, throughput, and the latency each element
// sees from admission (the operator took it in; DataLoader: `load` was called) to its result.
import { createRequire } from 'node:module';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { ours, rxjs } from './deps.mjs';
import { median } from './harness.mjs';
import { scenarioMarkdown } from './report.mjs';

const require = createRequire(import.meta.url);
const DataLoader = require('dataloader');
const { from, mergeMap } = rxjs;
const { orderedWait, orderedWaitBatch, unorderedWaitBatch } = ours;

const BASE_MS = 20;
const PER_ITEM_MS = 0.1;
const BATCH = 100;
const IN_FLIGHT = 4;
const PER_ELEMENT_CAPACITY = 50;
const MAX_BATCH_DELAY = 0;

/** The bulk endpoint: POST a JSON array of ids, get the same array back after the service time. */
function startServer() {
  const stats = { calls: 0, items: 0, open: 0, peakOpen: 0 };
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const ids = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      stats.calls++;
      stats.items += ids.length;
      stats.peakOpen = Math.max(stats.peakOpen, ++stats.open);
      setTimeout(
        () => {
          stats.open--;
          const body = JSON.stringify(ids);
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          response.end(body);
        },
        BASE_MS + PER_ITEM_MS * ids.length,
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
      /** Client side of one call; records its round trip, also per id (the last call that carried it). */
      const roundTrips = [];
      const tripOf = new Map();
      const post = (ids) =>
        new Promise((resolveCall, reject) => {
          const started = performance.now();
          const body = JSON.stringify(ids);
          const request = http.request(
            {
              host: '127.0.0.1',
              port,
              path: '/bulk',
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
            },
            (response) => {
              const chunks = [];
              response.on('data', (chunk) => chunks.push(chunk));
              response.on('end', () => {
                const trip = performance.now() - started;
                roundTrips.push(trip);
                for (const id of ids) tripOf.set(id, trip);
                resolveCall(JSON.parse(Buffer.concat(chunks).toString('utf8')));
              });
              response.on('error', reject);
            },
          );
          request.on('error', reject);
          request.end(body);
        });
      const close = () =>
        new Promise((done) => {
          agent.destroy();
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ stats, post, roundTrips, tripOf, close });
    });
  });
}

function quantile(sorted, q) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * The cases. Each `run(post, ids, admitted)` returns a Promise of the emitted ids and stamps
 * `admitted[id]` when the element is taken in: for our operators through `isBarrier`, which is
 * called once per value as it leaves the input buffer (docs/semantics.md rule 13.1) and here
 * always says no; for DataLoader when mergeMap calls `load`.
 */
const CASES = [
  {
    id: 'orderedWait',
    label: `orderedWait, one id per call, capacity ${PER_ELEMENT_CAPACITY}`,
    ours: true,
    order: 'ordered',
    batched: false,
    run: (post, ids, admitted) =>
      collect(
        from(ids).pipe(
          orderedWait((id) => post([id]).then((answer) => answer[0]), {
            capacity: PER_ELEMENT_CAPACITY,
            isBarrier: stamp(admitted),
          }),
        ),
      ),
  },
  {
    id: 'orderedWaitBatch',
    label: `orderedWaitBatch, maxBatchSize ${BATCH}, ${IN_FLIGHT} in flight`,
    ours: true,
    order: 'ordered',
    batched: true,
    run: (post, ids, admitted) =>
      collect(
        from(ids).pipe(
          orderedWaitBatch(post, {
            maxBatchSize: BATCH,
            maxBatchDelay: MAX_BATCH_DELAY,
            maxInFlightBatches: IN_FLIGHT,
            capacity: BATCH * IN_FLIGHT,
            isBarrier: stamp(admitted),
          }),
        ),
      ),
  },
  {
    id: 'unorderedWaitBatch',
    label: `unorderedWaitBatch, maxBatchSize ${BATCH}, ${IN_FLIGHT} in flight`,
    ours: true,
    order: 'unordered',
    batched: true,
    run: (post, ids, admitted) =>
      collect(
        from(ids).pipe(
          unorderedWaitBatch(post, {
            maxBatchSize: BATCH,
            maxBatchDelay: MAX_BATCH_DELAY,
            maxInFlightBatches: IN_FLIGHT,
            capacity: BATCH * IN_FLIGHT,
            isBarrier: stamp(admitted),
          }),
        ),
      ),
  },
  {
    id: 'dataloader',
    label: `DataLoader, maxBatchSize ${BATCH}, behind mergeMap(…, ${BATCH * IN_FLIGHT})`,
    ours: false,
    order: 'unordered',
    batched: true,
    run: (post, ids, admitted) => {
      const loader = new DataLoader(post, { maxBatchSize: BATCH, cache: false });
      return collect(
        from(ids).pipe(
          mergeMap((id) => {
            admitted[id] = performance.now();
            return loader.load(id);
          }, BATCH * IN_FLIGHT),
        ),
      );
    },
  },
];

function stamp(admitted) {
  return (id) => {
    admitted[id] = performance.now();
    return false;
  };
}

/** Subscribes and resolves with [id, emittedAt] pairs, in emission order. */
function collect(observable) {
  return new Promise((resolve, reject) => {
    const out = [];
    observable.subscribe({
      next: (id) => out.push([id, performance.now()]),
      error: reject,
      complete: () => resolve(out),
    });
  });
}

/** One checked, timed run of a case against a fresh server. */
async function runOnce(c, n) {
  const server = await startServer();
  try {
    const ids = Array.from({ length: n }, (_, i) => i);
    const admitted = new Float64Array(n);
    globalThis.gc();
    const started = performance.now();
    const out = await c.run(server.post, ids, admitted);
    const ms = performance.now() - started;
    if (out.length !== n) throw new Error(`${c.label}: emitted ${out.length} of ${n}`);
    const seen = new Uint8Array(n);
    out.forEach(([id], i) => {
      if (seen[id]++) throw new Error(`${c.label}: ${id} emitted twice`);
      if (c.order === 'ordered' && id !== i) throw new Error(`${c.label}: ${id} emitted as #${i}`);
    });
    const latencies = out.map(([id, at]) => at - admitted[id]).sort((a, b) => a - b);
    // The operator's own share: what an element waited beyond the round trip of the call that answered it.
    const beyond = out.map(([id, at]) => at - admitted[id] - server.tripOf.get(id)).sort((a, b) => a - b);
    const trips = [...server.roundTrips].sort((a, b) => a - b);
    return {
      ms,
      calls: server.stats.calls,
      peakOpen: server.stats.peakOpen,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      tripP99: quantile(trips, 0.99),
      beyondP99: quantile(beyond, 0.99),
    };
  } finally {
    await server.close();
  }
}

export async function scenarioBatch({ quick, log }) {
  const n = quick ? 2_000 : 10_000;
  // Batch runs are short (about 0.2 s), so their medians need rounds more than the per-element one.
  const rounds = quick ? 1 : 5;
  const samples = new Map(CASES.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < CASES.length; j++) {
      const c = CASES[(j + round) % CASES.length];
      samples.get(c.id).push(await runOnce(c, n));
    }
    log(`round ${round + 1}/${rounds}`);
  }
  const expectedCalls = Math.ceil(n / BATCH);
  const service = BASE_MS + PER_ITEM_MS * BATCH;
  const med = (id, key) => median(samples.get(id).map((s) => s[key]));
  const base = med('orderedWait', 'ms');
  const rows = CASES.map((c) => {
    const ms = med(c.id, 'ms');
    const calls = samples.get(c.id).map((s) => s.calls);
    return {
      id: c.id,
      peer: c.label,
      ours: c.ours,
      order: c.order,
      calls: Math.max(...calls),
      expected: c.batched ? expectedCalls : n,
      callsExact: calls.every((k) => k === (c.batched ? expectedCalls : n)),
      peakOpen: Math.max(...samples.get(c.id).map((s) => s.peakOpen)),
      seconds: ms / 1000,
      throughput: n / (ms / 1000),
      speedup: base / ms,
      p50: med(c.id, 'p50'),
      p99: med(c.id, 'p99'),
      tripP99: med(c.id, 'tripP99'),
      beyondP99: med(c.id, 'beyondP99'),
    };
  });
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  return {
    id: 'BATCH',
    title: 'BATCH. Batched calls against a bulk HTTP endpoint (issue 11)',
    params: {
      n,
      rounds,
      endpoint: `127.0.0.1 node:http, ${BASE_MS} ms + ${PER_ITEM_MS} ms per id (${service} ms for ${BATCH} ids)`,
      maxBatchSize: BATCH,
      maxBatchDelay: MAX_BATCH_DELAY,
      maxInFlightBatches: IN_FLIGHT,
    },
    notes: [
      'Each run starts a fresh server on a free port and calls it through one keep-alive http.Agent; the source (`from(ids)`) ' +
        'is synchronous, so it is always faster than the backend. Medians of the rounds; calls and open requests are the most seen.',
      `Added latency: from admission (our operators: \`isBarrier\`, called once per value as it leaves the input buffer, always false; ` +
        `DataLoader: the \`load\` call) to the result's emission. The call round trip is the backend's service time as the client sees it ` +
        `(nominal ${service} ms for ${BATCH} ids, plus HTTP and timer lateness). "Beyond own call" is an element's added latency minus the round ` +
        `trip of the call that answered it: what batching itself added (waiting for the batch to flush and for a call slot, handing the ` +
        `answer out, ordered: waiting behind an earlier batch). Target: its p99 ≤ maxBatchDelay (${MAX_BATCH_DELAY}) + 1 ms for admitting and handing out a batch.`,
      `DataLoader has no bound of its own on batches in flight: behind \`mergeMap(id => loader.load(id), ${BATCH * IN_FLIGHT})\` it gets the same ` +
        `${BATCH * IN_FLIGHT} elements in flight as orderedWaitBatch's capacity, i.e. ${IN_FLIGHT} batches of ${BATCH}; its output is unordered.`,
      `orderedWaitBatch ran ${byId.orderedWaitBatch.speedup.toFixed(1)}× as fast as per-element orderedWait, and ` +
        `${(byId.dataloader.seconds / byId.orderedWaitBatch.seconds).toFixed(2)}× as fast as DataLoader.`,
    ],
    tables: [
      {
        columns: [
          ['Peer', 'peer', 'name'],
          ['Order', 'order', 'text'],
          ['Backend calls', 'calls', 'int'],
          ['ceil(N / size)', 'expected', 'int'],
          ['Most open at once', 'peakOpen', 'int'],
          ['Median s', 'seconds', 'ms'],
          ['Elements / s', 'throughput', 'int'],
          ['× orderedWait', 'speedup', 'ratio'],
          ['p50 added ms', 'p50', 'ms'],
          ['p99 added ms', 'p99', 'ms'],
          ['p99 call round trip ms', 'tripP99', 'ms'],
          ['p99 beyond own call ms', 'beyondP99', 'ms'],
        ],
        rows,
      },
    ],
    figures: { rows, n, maxBatchDelay: MAX_BATCH_DELAY },
  };
}

async function main() {
  if (typeof globalThis.gc !== 'function') {
    console.error('bench/batch.mjs needs a forced GC: run it as `node --expose-gc bench/batch.mjs`.');
    process.exit(2);
  }
  const quick = process.argv.includes('--quick');
  const result = await scenarioBatch({ quick, log: (msg) => console.error(`BATCH: ${msg}`) });
  console.log(`\n${scenarioMarkdown(result, '###')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`\nBENCHMARK FAILED: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
