// One worker of the consumer group: reads events with XREADGROUP through the pull front, enriches
// each one over HTTP with orderedWait's semantics (timeout, retry with backoff on 503, a fallback
// result when an event fails for good), writes every result to the results stream, and XACKs
// each event once its result is written (see ackLedger.mjs). Entries left pending by a dead
// worker are claimed with XAUTOCLAIM (see streamReader.mjs).
//
//   node examples/redis-streams/worker.mjs --consumer w1 \
//     --redis redis://127.0.0.1:6379 --enrich http://127.0.0.1:8080
//
// It runs until SIGTERM / SIGINT (or, with --exit-when-idle, until the stream is drained and no
// other consumer has pending entries), then stops reading, lets the entries it holds finish, acks
// them and exits 0. Started with child_process.fork, it sends its progress as IPC messages
// (`{ type: 'progress' | 'done', ...figures }`, peak RSS included) and stops when its parent goes
// away; otherwise it prints the final figures as one JSON line.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
// orderedWaitIterable is the pull front: it reads the stream only while a slot is free.
import { AsyncWaitMonitor, exponentialDelay, orderedWaitIterable } from 'rxjs-async-io';
import { AckLedger } from './ackLedger.mjs';
import { readGroup } from './streamReader.mjs';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    enrich: { type: 'string', default: 'http://127.0.0.1:8080' },
    stream: { type: 'string', default: 'events' },
    results: { type: 'string', default: 'results' },
    group: { type: 'string', default: 'enrichers' },
    consumer: { type: 'string' },
    capacity: { type: 'string', default: '50' },
    count: { type: 'string', default: '10' },
    'timeout-ms': { type: 'string', default: '10000' },
    'block-ms': { type: 'string', default: '1000' },
    'min-idle-ms': { type: 'string', default: '60000' },
    'claim-every-ms': { type: 'string', default: '1000' },
    'ack-every-ms': { type: 'string', default: '100' },
    'exit-when-idle': { type: 'boolean', default: false },
  },
});
if (args.consumer === undefined) throw new TypeError('worker: --consumer <name> is required');
const consumer = args.consumer;
const number = (name) => {
  const value = Number(args[name]);
  if (!(value > 0)) throw new RangeError(`worker: --${name} must be a number > 0, got ${args[name]}`);
  return value;
};
const capacity = number('capacity');
const timeoutMs = number('timeout-ms');
const ackEveryMs = number('ack-every-ms');

/** A 503 (or a network error): worth retrying. */
class TransientError extends Error {}
/** Any other non-200 answer: retrying will not help. */
class PermanentError extends Error {}

// --- figures -----------------------------------------------------------------------------------

// `unwrittenPeak`: most entries read from the stream and not yet written as results, at any time:
// what the pull front holds (plus the one result being written). A pull front with backpressure
// keeps it at most capacity + its prefetch + 1, at any speed; a push front lets it grow to
// whatever the worker managed to read.
const figures = { consumer, read: 0, claimed: 0, written: 0, fallbacks: 0, acked: 0, unwrittenPeak: 0, rssPeak: 0 };
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > figures.rssPeak) figures.rssPeak = rss;
};
sampleRss();
const sampler = setInterval(sampleRss, 20);
// Progress goes to the parent (when forked) often enough to decide on it, e.g. when to kill us.
const reporter = setInterval(() => {
  sampleRss();
  if (process.connected) process.send({ type: 'progress', ...figures });
}, 100);

// --- Redis ---------------------------------------------------------------------------------------

// Two connections: XREADGROUP BLOCK holds the reader's while it waits, and the writes and acks
// must not queue behind it.
const reader = new Redis(args.redis);
const writer = new Redis(args.redis);
try {
  await writer.xgroup('CREATE', args.stream, args.group, '0', 'MKSTREAM');
} catch (error) {
  if (!String(error?.message).startsWith('BUSYGROUP')) throw error;
}

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => stop.abort());
process.once('disconnect', () => stop.abort());

const ledger = new AckLedger();

/** Entries as the pull front reads them, each recorded in the ledger under its source index. */
async function* entries() {
  for await (const entry of readGroup(reader, {
    stream: args.stream,
    group: args.group,
    consumer,
    count: number('count'),
    blockMs: number('block-ms'),
    minIdleMs: number('min-idle-ms'),
    claimEveryMs: number('claim-every-ms'),
    holds: (id) => ledger.holds(id),
    idleExit: args['exit-when-idle'] ? othersIdle : undefined,
    signal: stop.signal,
  })) {
    ledger.read(entry.id);
    figures.read++;
    if (entry.claimed) figures.claimed++;
    if (figures.read - figures.written > figures.unwrittenPeak) figures.unwrittenPeak = figures.read - figures.written;
    yield entry;
  }
}

/** Nothing new in the stream and no other consumer with pending entries (that we could claim later). */
async function othersIdle() {
  const [, , , consumers] = await writer.xpending(args.stream, args.group);
  return (consumers ?? []).every(([name, count]) => name === consumer || Number(count) === 0);
}

// --- the call --------------------------------------------------------------------------------------

/**
 * Enriches one event over HTTP. `signal` is the element's: aborted when its timeout fires, so the
 * request is cancelled, not left running.
 */
async function enrich(entry, signal, attempt) {
  let response;
  try {
    response = await fetch(`${args.enrich}/enrich/${entry.fields.event}?attempt=${attempt}`, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new TransientError(`enrichment unreachable: ${error.cause?.code ?? error.message}`);
  }
  if (response.status === 200) return response.json();
  await response.body?.cancel();
  const message = `enrichment answered ${response.status} for event ${entry.fields.event}`;
  throw response.status === 503 ? new TransientError(message) : new PermanentError(message);
}

// Every element gives exactly one result, in source order: the enrichment, or a fallback that
// says why there is none (written too, so that the event is accounted for and acked; a real
// service might send these to a dead-letter stream instead).
const resultOf = (entry, index, status, data) => ({ index, id: entry.id, event: entry.fields.event, status, data });
const monitor = new AsyncWaitMonitor();
const results = orderedWaitIterable(
  entries(),
  async (entry, index, { signal, attempt }) => resultOf(entry, index, 'ok', await enrich(entry, signal, attempt)),
  {
    capacity,
    timeout: timeoutMs,
    retry: {
      count: 4,
      delay: exponentialDelay({ initial: 10, max: 200 }),
      ifError: (error) => error instanceof TransientError,
    },
    onError: (error, entry, index) => [resultOf(entry, index, 'fallback', { error: String(error?.message ?? error) })],
    onTimeout: (entry, index) => [resultOf(entry, index, 'timeout', { error: `no answer within ${timeoutMs} ms` })],
    monitor,
  },
);

// --- acks ------------------------------------------------------------------------------------------

let acking = Promise.resolve();
/** Acks what the ledger allows now; calls never overlap, so acks go out in index order. */
const ack = () =>
  (acking = acking.then(async () => {
    const ids = ledger.take(monitor.commitIndex);
    for (let i = 0; i < ids.length; i += 1000) {
      await writer.xack(args.stream, args.group, ...ids.slice(i, i + 1000));
    }
    figures.acked += ids.length;
  }));
const acker = setInterval(() => ack().catch(fail), ackEveryMs);

function fail(error) {
  console.error(`worker ${consumer}:`, error);
  process.exit(1);
}

// --- the sink: write each result, then let the ledger know -------------------------------------------

try {
  for await (const result of results) {
    await writer.xadd(
      args.results,
      '*',
      'event',
      result.event,
      'entry',
      result.id,
      'consumer',
      consumer,
      'status',
      result.status,
      'data',
      JSON.stringify(result.data),
    );
    ledger.written(result.index);
    figures.written++;
    if (result.status !== 'ok') figures.fallbacks++;
  }
  ledger.finish();
  clearInterval(acker);
  await ack();
} catch (error) {
  fail(error);
}

clearInterval(sampler);
clearInterval(reporter);
sampleRss();
await Promise.all([reader.quit(), writer.quit()]);
if (process.connected) {
  process.send({ type: 'done', ...figures }, () => process.disconnect());
} else {
  console.log(JSON.stringify(figures));
}
