// Writes events to the input stream: entry fields `event` (the id, 0 .. N-1), `user` and `amount`.
//
//   node examples/redis-streams/producer.mjs --redis redis://127.0.0.1:6379 --events 20000
//
// Entries go out in pipelined batches (one round trip per batch, not per event). It exits 0 once
// every event is in the stream, after printing `{"events":N,"first":<id>,"last":<id>}`.
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    stream: { type: 'string', default: 'events' },
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
  },
});
const events = Number(args.events);
const batch = Number(args.batch);
if (!Number.isInteger(events) || events < 0)
  throw new RangeError(`producer: --events must be an integer >= 0, got ${args.events}`);
if (!Number.isInteger(batch) || batch < 1)
  throw new RangeError(`producer: --batch must be an integer >= 1, got ${args.batch}`);

const redis = new Redis(args.redis);
let first = null;
let last = null;
for (let start = 0; start < events; start += batch) {
  const pipeline = redis.pipeline();
  for (let event = start; event < Math.min(start + batch, events); event++) {
    pipeline.xadd(args.stream, '*', 'event', event, 'user', `user-${event % 997}`, 'amount', (event % 10_000) / 100);
  }
  for (const [error, id] of await pipeline.exec()) {
    if (error) throw error;
    first ??= id;
    last = id;
  }
}
await redis.quit();
console.log(JSON.stringify({ events, first, last }));
