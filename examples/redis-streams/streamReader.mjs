// A Redis Streams consumer-group member as an async generator: one entry per pull, read from Redis
// a few at a time and only when pulled.
//
// Each time its small batch is used up and it is pulled again, the generator issues ONE command:
//   - XAUTOCLAIM, when a claim scan is due: entries of the group pending for longer than
//     `minIdleMs` (their consumer died, or is far too slow) become ours and are yielded again;
//   - otherwise XREADGROUP ... COUNT `count` BLOCK `blockMs` STREAMS <stream> '>': new entries.
// A generator does nothing between pulls, so under a pull front that pulls only when a slot is
// free, a worker holds at most capacity + prefetch + `count` entries; the rest stay in the
// stream, where the other workers of the group can read them. (Under a push source such as RxJS's
// `from()`, the same generator is drained as fast as Redis answers.)
//
// The generator ends when `signal` is aborted (checked before each command; a blocking read
// returns within `blockMs`), or when `idleExit` says so after a read found nothing.

/**
 * @typedef {object} StreamEntry
 * @property {string} id The entry id, e.g. `1700000000000-0`.
 * @property {Record<string, string>} fields The entry's fields.
 * @property {boolean} claimed Whether it came from XAUTOCLAIM (delivered before to another consumer).
 */

/**
 * @typedef {object} ReadGroupOptions
 * @property {string} stream The stream key.
 * @property {string} group The consumer group.
 * @property {string} consumer This consumer's name in the group.
 * @property {number} [count] Entries per XREADGROUP / XAUTOCLAIM, default 10.
 * @property {number} [blockMs] XREADGROUP's BLOCK, in ms, default 1000.
 * @property {number} [minIdleMs] XAUTOCLAIM's min-idle-time, in ms, default 60000: longer than any
 *   entry waits in a live worker (queueing + timeout + retries), or live work is claimed twice.
 * @property {number} [claimEveryMs] Pause between two full XAUTOCLAIM scans of the group's pending
 *   entries, in ms, default 1000.
 * @property {(id: string) => boolean} [holds] Whether this worker already holds the entry; a claim
 *   of such an entry (its own, idle for too long in its queue) only resets its idle time and is
 *   not yielded again.
 * @property {() => Promise<boolean>} [idleExit] Asked after a read found nothing: resolve true to end.
 * @property {AbortSignal} [signal] Ends the generator at its next command.
 */

/**
 * Reads a consumer group as an async generator of entries.
 *
 * @param {import('ioredis').Redis} redis A connection used for nothing else: XREADGROUP BLOCK
 *   holds it while it waits.
 * @param {ReadGroupOptions} options
 * @returns {AsyncGenerator<StreamEntry, void, undefined>}
 */
export async function* readGroup(redis, options) {
  const { stream, group, consumer, count = 10, blockMs = 1000, minIdleMs = 60_000, claimEveryMs = 1000 } = options;
  const { holds = () => false, idleExit = async () => false, signal } = options;
  // XAUTOCLAIM walks the pending entries list with a cursor; '0-0' starts (and ends) a scan.
  let cursor = '0-0';
  let nextScanAt = 0;
  while (!signal?.aborted) {
    if (cursor !== '0-0' || Date.now() >= nextScanAt) {
      const [next, claimed] = await redis.xautoclaim(stream, group, consumer, minIdleMs, cursor, 'COUNT', count);
      cursor = next;
      if (cursor === '0-0') nextScanAt = Date.now() + claimEveryMs;
      let yielded = 0;
      for (const [id, flat] of claimed) {
        // A deleted entry (null fields) leaves the pending list by itself (Redis >= 7); skip it.
        if (flat === null || holds(id)) continue;
        yielded++;
        yield { id, fields: toObject(flat), claimed: true };
      }
      if (yielded > 0) continue;
    }
    if (signal?.aborted) return;
    const reply = await redis.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      stream,
      '>',
    );
    if (reply === null) {
      if (await idleExit()) return;
      continue;
    }
    for (const [, entries] of reply) {
      for (const [id, flat] of entries) yield { id, fields: toObject(flat), claimed: false };
    }
  }
}

function toObject(flat) {
  const fields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}
